package dev.quorate.samples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the ```java blocks of the documentation and the compiled Java sources they must appear in.
 * A block matches a source if it is a part of the source's code with all whitespace removed: the
 * formatter owns line breaks and indentation, the text is the author's. Block comments (Javadoc
 * included) are not code and are ignored in sources, so an example kept only in a Javadoc comment
 * does not count.
 */
final class DocSnippets {
  /**
   * One ```java block.
   *
   * @param doc the Markdown file, relative to the repository
   * @param line the line of the opening fence, from 1
   * @param text the block's text, without the fences
   */
  record Snippet(String doc, int line, String text) {}

  private DocSnippets() {}

  /** Returns README.md and every Markdown file under docs/, in path order. */
  static List<Path> docs(Path repository) throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(repository.resolve("README.md"));
    try (Stream<Path> files = Files.walk(repository.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** Returns the Java sources every module compiles: src/main/java and src/test/java. */
  static List<Path> sources(Path repository) throws IOException {
    try (Stream<Path> files = Files.walk(repository)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(
              p -> {
                String path = repository.relativize(p).toString().replace('\\', '/');
                return path.contains("/src/main/java/") || path.contains("/src/test/java/");
              })
          .filter(p -> !p.toString().contains("/target/"))
          .sorted()
          .toList();
    }
  }

  /** Returns the ```java blocks of a Markdown text. */
  static List<Snippet> javaBlocks(String doc, String markdown) {
    List<Snippet> snippets = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].strip().equals("```java")) {
        int start = i;
        StringBuilder text = new StringBuilder();
        for (i++; i < lines.length && !lines[i].strip().equals("```"); i++) {
          text.append(lines[i]).append('\n');
        }
        snippets.add(new Snippet(doc, start + 1, text.toString()));
      }
    }
    return snippets;
  }

  /** Returns a source's code without block comments and without any whitespace. */
  static String code(String source) {
    StringBuilder out = new StringBuilder(source.length());
    boolean string = false;
    boolean character = false;
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (!string && !character && c == '/' && i + 1 < source.length()) {
        char next = source.charAt(i + 1);
        if (next == '*') {
          int end = source.indexOf("*/", i + 2);
          i = end < 0 ? source.length() : end + 1;
          continue;
        }
        if (next == '/') {
          // A line comment is kept (examples carry them), up to its line's end.
          int end = source.indexOf('\n', i);
          end = end < 0 ? source.length() : end;
          out.append(withoutWhitespace(source.substring(i, end)));
          i = end;
          continue;
        }
      }
      if ((string || character) && c == '\\' && i + 1 < source.length()) {
        out.append(c).append(source.charAt(++i));
        continue;
      }
      if (c == '"' && !character) {
        string = !string;
      } else if (c == '\'' && !string) {
        character = !character;
      }
      if (!Character.isWhitespace(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Returns the text without any whitespace. */
  static String withoutWhitespace(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().filter(c -> !Character.isWhitespace(c)).forEach(out::appendCodePoint);
    return out.toString();
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
