package dev.quorate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the shaded jar as {@code bin/quorate} does, in a process of its own. */
final class CliProcess {
  /** What the failsafe configuration passes: the jar the package phase built. */
  static final Path JAR = Path.of(System.getProperty("quorate.cli.jar", "target/missing.jar"));

  /**
   * What one run printed and returned.
   *
   * @param exitCode the process's exit status
   * @param out its standard output
   * @param err its standard error
   */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** The JVM options bin/quorate starts the command with: a short run needs no C2 compiler. */
  static final List<String> START_FAST = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private CliProcess() {}

  static Result run(Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(START_FAST);
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("quorate-out", ".txt");
    Path err = Files.createTempFile("quorate-err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().remove(EnsembleOptions.DIGEST_ENV);
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("quorate " + String.join(" ", args) + " did not end within 60 s");
    }
    try {
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static Result run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), args);
  }
}
