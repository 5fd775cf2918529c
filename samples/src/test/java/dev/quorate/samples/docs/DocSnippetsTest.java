package dev.quorate.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.samples.docs.DocSnippets.Snippet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every ```java block of README.md and docs/*.md appears, whitespace aside, in the code of a Java
 * source that the build compiles, so a documented example cannot drift from the API. Pages added
 * later are covered without changes here.
 */
@Timeout(60)
class DocSnippetsTest {
  private static Path repository;
  private static List<String> sources;

  @BeforeAll
  static void readTheSources() throws Exception {
    // Surefire runs in the module's directory; the repository is its parent.
    repository = Path.of("..").toAbsolutePath().normalize();
    assertThat(repository.resolve("pom.xml")).exists();
    sources = new ArrayList<>();
    for (Path source : DocSnippets.sources(repository)) {
      sources.add(DocSnippets.code(DocSnippets.read(source)));
    }
  }

  @Test
  void everyJavaBlockOfTheDocsIsCompiledCode() throws Exception {
    List<Snippet> snippets = new ArrayList<>();
    for (Path doc : DocSnippets.docs(repository)) {
      snippets.addAll(
          DocSnippets.javaBlocks(repository.relativize(doc).toString(), DocSnippets.read(doc)));
    }
    List<String> drifted = new ArrayList<>();
    for (Snippet snippet : snippets) {
      String code = DocSnippets.withoutWhitespace(snippet.text());
      if (sources.stream().noneMatch(source -> source.contains(code))) {
        drifted.add(
            snippet.doc()
                + ", the ```java block at line "
                + snippet.line()
                + ", is in no compiled source:\n"
                + snippet.text());
      }
    }

    // The pages this test was written with carry at least these examples; fewer means the
    // extraction broke, not that the docs got better.
    assertThat(snippets).hasSizeGreaterThanOrEqualTo(10);
    assertThat(drifted)
        .as(
            "Keep every ```java block of the docs, verbatim apart from whitespace, in a test or"
                + " sample source (see samples/src/test/java/dev/quorate/samples/docs/); these"
                + " are not:%n%n%s",
            String.join("\n", drifted))
        .isEmpty();
  }

  @Test
  void aChangedExampleIsNoLongerFound() {
    String doc = "text\n```java\nguard.access(lease.token(), () -> volume.write(block));\n```\n";
    Snippet snippet = DocSnippets.javaBlocks("x.md", doc).get(0);
    String source =
        "class A {\n  void f() {\n    guard.access(\n        lease.token(), () -> volume.write(blocks));\n  }\n}";

    assertThat(snippet.line()).isEqualTo(2);
    assertThat(DocSnippets.code(source))
        .doesNotContain(DocSnippets.withoutWhitespace(snippet.text()));
    assertThat(DocSnippets.code(source.replace("blocks", "block")))
        .contains(DocSnippets.withoutWhitespace(snippet.text()));
  }

  @Test
  void anExampleOnlyInAJavadocCommentDoesNotCount() {
    String source =
        "/** <pre>{@code\n * int x = 1; // one\n * }</pre> */ class A { String s = \"/* x */\"; // y\n}";

    assertThat(DocSnippets.code(source))
        .isEqualTo("classA{Strings=\"/*x*/\";//y}")
        .doesNotContain("intx=1;");
  }

  @Test
  void theDocsWrittenWithThisTestAreScanned() throws Exception {
    assertThat(DocSnippets.docs(repository))
        .extracting(p -> repository.relativize(p).toString())
        .contains("README.md", "docs/scenarios.md", "docs/security.md", "docs/getting-started.md");
    assertThat(Files.exists(repository.resolve("docs/operations.md"))).isTrue();
  }
}
