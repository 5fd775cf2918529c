package dev.quorate.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Checks that a child's {@link System#nanoTime()} is on the harness's clock. The checker compares
 * timestamps from different processes, which is sound only if they share one monotonic clock (on
 * Linux, HotSpot reads CLOCK_MONOTONIC with no per-JVM offset). The harness notes its clock before
 * it spawns the client and after it read the client's first line; the client's own reading must
 * fall between, which a per-process origin would violate by far more than the bracket.
 */
final class ClockCheck {
  private ClockCheck() {}

  /** Waits for the client's {@code start} line; returns {@code id spawned reported seen}. */
  static String await(Path history, String id, long spawned) throws Exception {
    String[] first = new String[1];
    Poll.until(
        id + " starts",
        Duration.ofSeconds(120),
        () -> {
          if (!Files.exists(history)) {
            return false;
          }
          List<String> lines = Files.readAllLines(history, StandardCharsets.UTF_8);
          if (lines.isEmpty()) {
            return false;
          }
          first[0] = lines.get(0);
          return true;
        });
    long seen = System.nanoTime();
    String[] f = first[0].split(" ");
    if (!f[0].equals("start")) {
      throw new IllegalStateException(id + " history starts with '" + first[0] + "'");
    }
    return id + " " + spawned + " " + f[1] + " " + seen;
  }

  /** True if a clocks.log line shows the child's reading inside the harness's bracket. */
  static boolean consistent(String line) {
    String[] f = line.split(" ");
    long spawned = Long.parseLong(f[1]);
    long reported = Long.parseLong(f[2]);
    long seen = Long.parseLong(f[3]);
    return spawned <= reported && reported <= seen;
  }
}
