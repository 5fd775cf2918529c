package dev.quorate.vm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * The test guest ({@link GuestImage}), built once per JVM by {@code bin/lib/build-guest.sh} into
 * {@code target/guest} (cached across runs). Without QEMU the ITs are skipped, except under
 * CI=true, where that fails the build: bin/lib/install-prerequisites.sh installs it.
 */
final class TestGuest {
  private static GuestImage built;

  private TestGuest() {}

  static synchronized GuestImage image() throws InterruptedException {
    if (built == null) {
      requireProgram(GuestImage.QEMU, "qemu-system-x86");
      // Failsafe sets both (vm/pom.xml); the defaults hold for any runner started in vm/.
      built =
          GuestImage.build(
              Path.of(System.getProperty("quorate.guest.script", "../bin/lib/build-guest.sh")),
              Path.of(System.getProperty("quorate.guest.dir", "target/guest")));
    }
    return built;
  }

  /** Skips the test without the program, except under CI=true, where that fails it. */
  static void requireProgram(String program, String debianPackage) {
    if (!GuestImage.onPath(program)) {
      String message =
          program
              + " is missing: install "
              + debianPackage
              + " (bin/lib/install-prerequisites.sh does)";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
  }

  /** A builder for a test guest that writes records every 100 ms under a token. */
  static QemuGuestBuilder guest(String name, long token, Path runtimeDir)
      throws InterruptedException {
    return image().builder(name, token, Duration.ofMillis(100)).runtimeDir(runtimeDir);
  }

  /** A fresh, empty raw disk of 4 MiB (8192 record slots). */
  static Path newDisk(Path dir, String name) throws IOException {
    Path disk = dir.resolve(name + ".img");
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(4L << 20);
    }
    return disk;
  }
}
