package dev.quorate.reliability;

import java.io.IOException;
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

  long seed() {
    return seed != null ? seed : System.nanoTime();
  }
}
