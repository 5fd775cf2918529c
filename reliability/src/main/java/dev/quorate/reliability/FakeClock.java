package dev.quorate.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A wall clock of one client's own, stepped by the nemesis: libfaketime, preloaded into the
 * client's JVM, adds the offset in the client's {@code <id>.faketime} file to CLOCK_REALTIME (read
 * again at most once a second) and leaves CLOCK_MONOTONIC alone. So only that process sees the
 * step, as a VM resumed with a new wall time or an NTP step would show it.
 */
final class FakeClock {
  private static final List<Path> LIBRARIES =
      List.of(
          Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
          Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"),
          Path.of("/usr/lib/faketime/libfaketime.so.1"),
          Path.of("/usr/local/lib/faketime/libfaketime.so.1"));

  private FakeClock() {}

  /** libfaketime (Debian: package libfaketime), if installed. */
  static Optional<Path> library() {
    return LIBRARIES.stream().filter(Files::isReadable).findFirst();
  }

  private static Path file(Path dir, String client) {
    return dir.resolve(client + ".faketime");
  }

  /**
   * The command prefix that runs a client under its own wall clock, starting with no offset (or the
   * one it had, for a client started again).
   */
  static List<String> wrap(Path library, Path dir, String client) throws IOException {
    Path file = file(dir, client);
    if (!Files.exists(file)) {
      write(file, 0);
    }
    return List.of(
        "env",
        "LD_PRELOAD=" + library,
        "FAKETIME_DONT_FAKE_MONOTONIC=1",
        "FAKETIME_TIMESTAMP_FILE=" + file,
        "FAKETIME_CACHE_DURATION=1");
  }

  /** Steps the client's wall clock forward by {@code seconds} more. */
  static void step(Path dir, String client, long seconds) throws IOException {
    Path file = file(dir, client);
    String now = Files.readString(file, StandardCharsets.US_ASCII).trim();
    write(file, Long.parseLong(now.substring(1)) + seconds);
  }

  private static void write(Path file, long offsetSeconds) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, "+" + offsetSeconds + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
