package dev.quorate.samples.failover;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The guest image for the ITs: {@code bin/lib/build-guest.sh} into vm's {@code target/guest}, the
 * build vm's ITs use too (cached by the script). Without QEMU the ITs are skipped, except under
 * CI=true, where that fails them: bin/lib/install-prerequisites.sh installs it.
 */
final class TestGuest {
  private static String built;

  private TestGuest() {}

  /** Builds (or finds) the image and returns its directory, for {@code -Dquorate.guest}. */
  static synchronized String directory() throws IOException, InterruptedException {
    if (built != null) {
      return built;
    }
    if (!DemoGuest.qemuOnPath()) {
      String message =
          DemoGuest.QEMU
              + " is missing: install qemu-system-x86 (bin/lib/install-prerequisites.sh)";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    // Failsafe sets both (samples/pom.xml); the defaults hold for a runner started in samples/.
    Path script = Path.of(System.getProperty("quorate.guest.script", "../bin/lib/build-guest.sh"));
    Path dir = Path.of(System.getProperty("quorate.guest.dir", "../vm/target/guest"));
    Process p =
        new ProcessBuilder("bash", script.toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    byte[] output;
    try (InputStream in = p.getInputStream()) {
      output = in.readAllBytes();
    }
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      fail(script + " failed: " + new String(output, StandardCharsets.UTF_8));
    }
    built = dir.toAbsolutePath().normalize().toString();
    return built;
  }
}
