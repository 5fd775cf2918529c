package dev.quorate.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code qdisk}: three quorum-disk daemons under faults, then the tenure and eviction check. */
@Command(
    name = "qdisk",
    description =
        "Runs 3 quorum-disk daemons on 3 disk files; pauses and kills the master, tears "
            + "heartbeat writes, loses one disk for a while; checks that master tenures never overlap"
            + " and that an evicted node stops writing.")
final class QdiskCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Option(
      names = "--gap",
      converter = DurationConverter.class,
      description = "Quiet time after each fault (default 3s).")
  Duration gap = Duration.ofSeconds(3);

  @Override
  public Integer call() throws Exception {
    Path root = run.directory("quorate-qdisk-chaos-");
    long s = run.seed();
    System.out.println("run directory " + root + ", seed " + s);
    QdiskRun.Outcome o =
        QdiskRun.run(root, Duration.ofMillis(Math.round(run.minutes * 60_000)), gap, s);
    System.out.print(o.text());
    return o.result().violations().isEmpty() ? 0 : 1;
  }
}
