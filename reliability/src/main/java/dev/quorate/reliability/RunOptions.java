package dev.quorate.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every run command shares: how long, where, and with which seed. */
final class RunOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--minutes",
      description = "Minutes of faults (default 2; the control run has its own).")
  double minutes = 2;

  @Option(
      names = "--dir",
      description = "Where the run leaves its files (default: a new temp dir).")
  Path dir;

  @Option(names = "--seed", description = "Seed of the nemesis's choices (default: random).")
  Long seed;

  /** Checks the minutes; returns the run directory, a new temporary one if none was given. */
  Path directory(String tempPrefix) throws IOException {
    if (!(minutes > 0)) {
      throw new ParameterException(spec.commandLine(), "--minutes must be > 0, got " + minutes);
    }
    return dir != null ? dir : Files.createTempDirectory(tempPrefix);
  }

  /**
   * Checks the minutes and the control run's; returns a run directory that holds no fenced or
   * control run yet, a new temporary one if none was given.
   */
  Path newRunDirectory(String tempPrefix, double controlMinutes) throws IOException {
    if (!(controlMinutes >= 0)) {
      throw new ParameterException(
          spec.commandLine(), "--control-minutes must be >= 0, got " + controlMinutes);
    }
    Path root = directory(tempPrefix);
    if (Files.exists(root.resolve("fenced")) || Files.exists(root.resolve("control"))) {
      throw new ParameterException(
          spec.commandLine(), "--dir " + root + " already holds a run; give a new directory");
    }
    return root;
  }

  /** Prints the report, keeps it as {@code report.txt} in {@code root}; returns the exit code. */
  static int report(Path root, String text, boolean passed) throws IOException {
    System.out.print(text);
    Files.writeString(root.resolve("report.txt"), text, StandardCharsets.UTF_8);
    return passed ? 0 : 1;
  }

  long seed() {
    return seed != null ? seed : System.nanoTime();
  }
}
