package dev.quorate.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Fault#CLOCK_STEP} fault: a client started again under its own {@link FakeClock} gets
 * its wall clock stepped an hour forward while it works. The checker's timestamps are monotonic, so
 * the step must not move them: the harness brackets the first history line that shows the stepped
 * wall clock between its own clock readings before the step and after it saw the line, and appends
 * the bracket to {@code clocks.log}, where the checker verifies it like the start-up brackets.
 */
final class ClockStep {
  static final long STEP_SECONDS = 3600;

  private final Path dir;
  private final Cast cast;

  ClockStep(Path dir, Cast cast) {
    this.dir = dir;
    this.cast = cast;
  }

  FaultRecord inject(String client) throws Exception {
    Path history = dir.resolve(client + ".history");
    if (!cast.runsOwnClock(client)) {
      cast.killAndRestartClient(client, true);
    }
    int started = lines(history).size();
    Poll.until(
        client + " acquires under its own clock",
        Duration.ofSeconds(60),
        () -> invokes(history, started) >= 2);
    List<String> before = lines(history);
    long skew = skew(lastInvoke(before));
    long start = System.nanoTime();
    FakeClock.step(dir, client, STEP_SECONDS);
    String[] stepped = new String[1];
    long bound = start + TimeUnit.SECONDS.toNanos(30);
    while (stepped[0] == null && System.nanoTime() < bound) {
      List<String> now = lines(history);
      for (String line : now.subList(before.size(), now.size())) {
        if (line.startsWith("invoke ") && skew(line) - skew > STEP_SECONDS * 500) {
          stepped[0] = line;
          break;
        }
      }
      Thread.sleep(20); // polling the client's history
    }
    long seen = System.nanoTime();
    if (stepped[0] != null) {
      Files.writeString(
          dir.resolve("clocks.log"),
          client + " " + start + " " + stepped[0].split(" ")[1] + " " + seen + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    }
    return new FaultRecord(Fault.CLOCK_STEP, client, start, seen, stepped[0] != null);
  }

  /**
   * Wall minus monotonic milliseconds of an invoke line: it moves only when the wall clock steps.
   */
  private static long skew(String invoke) {
    String[] f = invoke.split(" ");
    return Long.parseLong(f[3]) - TimeUnit.NANOSECONDS.toMillis(Long.parseLong(f[1]));
  }

  private static String lastInvoke(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("invoke ")) {
        return lines.get(i);
      }
    }
    throw new IllegalStateException("no invoke line");
  }

  private static long invokes(Path history, int from) throws Exception {
    List<String> all = lines(history);
    return all.subList(Math.min(from, all.size()), all.size()).stream()
        .filter(l -> l.startsWith("invoke "))
        .count();
  }

  private static List<String> lines(Path history) throws Exception {
    return Files.readAllLines(history, StandardCharsets.UTF_8);
  }
}
