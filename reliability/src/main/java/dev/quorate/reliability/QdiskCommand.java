package dev.quorate.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code qdisk}: three quorum-disk daemons under faults, then the tenure and eviction check. */
@Command(
    name = "qdisk",
    description = {
      "Runs 3 quorum-disk daemons on 3 disk files; pauses and kills the master, tears heartbeat",
      "writes, loses one disk for a while; checks that master tenures never overlap and that an",
      "evicted node stops writing."
    })
final class QdiskCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--minutes", description = "Minutes of faults (default 2).")
  double minutes = 2;

  @Option(
      names = "--dir",
      description = "Where the run leaves its files (default: a new temp dir).")
  Path dir;

  @Option(names = "--seed", description = "Seed of the nemesis's choices (default: random).")
  Long seed;

  @Option(
      names = "--gap",
      converter = DurationConverter.class,
      description = "Quiet time after each fault (default 3s).")
  Duration gap = Duration.ofSeconds(3);

  @Override
  public Integer call() throws Exception {
    if (!(minutes > 0)) {
      throw new ParameterException(spec.commandLine(), "--minutes must be > 0, got " + minutes);
    }
    Path root = dir != null ? dir : Files.createTempDirectory("quorate-qdisk-chaos-");
    long s = seed != null ? seed : System.nanoTime();
    System.out.println("run directory " + root + ", seed " + s);
    QdiskRun.Outcome o =
        QdiskRun.run(root, Duration.ofMillis(Math.round(minutes * 60_000)), gap, s);
    System.out.print(o.text());
    return o.result().violations().isEmpty() ? 0 : 1;
  }
}
