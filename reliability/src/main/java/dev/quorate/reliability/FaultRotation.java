package dev.quorate.reliability;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A nemesis's schedule: the faults of a rotation in turn, each followed by the quiet time, until a
 * deadline and at least once through the whole rotation (every fault type is injected however slow
 * the machine is), each fault logged to {@code faults.log} as it ends.
 */
final class FaultRotation {
  /** Injects one fault and says what it did. */
  @FunctionalInterface
  interface Injector {
    FaultRecord inject(Fault fault) throws Exception;
  }

  private FaultRotation() {}

  /**
   * Runs {@code rotation} until {@code deadline} (a {@link System#nanoTime()} value).
   *
   * @param dir the run directory, where {@code faults.log} goes
   * @param gap the quiet time after each fault
   */
  static void run(Path dir, List<Fault> rotation, Duration gap, long deadline, Injector injector)
      throws Exception {
    try (BufferedWriter log =
        Files.newBufferedWriter(dir.resolve("faults.log"), StandardCharsets.UTF_8)) {
      for (int i = 0; i < rotation.size() || System.nanoTime() < deadline; i++) {
        FaultRecord r = injector.inject(rotation.get(i % rotation.size()));
        log.write(r.line());
        log.newLine();
        log.flush();
        Thread.sleep(gap.toMillis()); // the quiet time between faults is part of the schedule
      }
    }
  }
}
