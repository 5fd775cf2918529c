package dev.quorate.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java snippet of docs/getting-started.md is the compiled code of {@link EmbeddedLock}. */
@Timeout(10)
class GettingStartedDocTest {
  @Test
  void theDocsSnippetIsTheCompiledExample() throws Exception {
    String doc = Files.readString(Path.of("../docs/getting-started.md"));
    int start = doc.indexOf("```java\n") + "```java\n".length();
    String snippet = doc.substring(start, doc.indexOf("```", start));

    List<String> source =
        Files.readAllLines(Path.of("src/main/java/dev/quorate/samples/EmbeddedLock.java"));
    int from = source.indexOf("    // getting-started: embed the lock") + 1;
    int to = source.indexOf("    // end of the example");
    String example =
        source.subList(from, to).stream()
            .map(line -> line.length() >= 4 ? line.substring(4) : line.strip())
            .collect(Collectors.joining("\n", "", "\n"));

    assertThat(from).isPositive();
    assertThat(snippet).isEqualTo(example);
  }
}
