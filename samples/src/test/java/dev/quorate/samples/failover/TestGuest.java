package dev.quorate.samples.failover;

import static org.junit.jupiter.api.Assertions.fail;

import dev.quorate.vm.GuestImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The guest image for the ITs ({@link GuestImage#build}) into vm's {@code target/guest}, the build
 * vm's ITs use too (cached by the script). Without QEMU the ITs are skipped, except under CI=true,
 * where that fails them: bin/lib/install-prerequisites.sh installs it.
 */
final class TestGuest {
  private static String built;

  private TestGuest() {}

  /** Builds (or finds) the image and returns its directory, for {@code -Dquorate.guest}. */
  static synchronized String directory() throws InterruptedException {
    if (built != null) {
      return built;
    }
    if (!GuestImage.onPath(GuestImage.QEMU)) {
      String message =
          GuestImage.QEMU
              + " is missing: install qemu-system-x86 (bin/lib/install-prerequisites.sh)";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    // Failsafe sets both (samples/pom.xml); the defaults hold for a runner started in samples/.
    Path dir = Path.of(System.getProperty("quorate.guest.dir", "../vm/target/guest"));
    GuestImage.build(
        Path.of(System.getProperty("quorate.guest.script", "../bin/lib/build-guest.sh")), dir);
    built = dir.toAbsolutePath().normalize().toString();
    return built;
  }
}
