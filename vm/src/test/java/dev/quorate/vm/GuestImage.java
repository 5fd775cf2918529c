package dev.quorate.vm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The test guest, built once per JVM by {@code bin/lib/build-guest.sh} into {@code target/guest}
 * (cached across runs). Without QEMU the ITs are skipped, except under CI=true, where that fails
 * the build: bin/lib/install-prerequisites.sh installs it.
 */
record GuestImage(Path kernel, Path initrd) {
  private static GuestImage built;

  static synchronized GuestImage get() throws IOException, InterruptedException {
    if (built != null) {
      return built;
    }
    requireProgram("qemu-system-x86_64", "qemu-system-x86");
    // Failsafe sets both (vm/pom.xml); the defaults hold for any runner started in vm/.
    Path script = Path.of(System.getProperty("quorate.guest.script", "../bin/lib/build-guest.sh"));
    Path dir = Path.of(System.getProperty("quorate.guest.dir", "target/guest"));
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
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve("guest.properties"))) {
      props.load(in);
    }
    built =
        new GuestImage(Path.of(props.getProperty("kernel")), Path.of(props.getProperty("initrd")));
    return built;
  }

  /** Skips the test without the program, except under CI=true, where that fails it. */
  static void requireProgram(String program, String debianPackage) {
    boolean found =
        java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    if (!found) {
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

  /** A builder for a test guest that writes records every {@code intervalMs} under a token. */
  QemuGuestBuilder guest(String name, long token, Path runtimeDir) {
    return QemuGuest.builder(name)
        .kernel(kernel)
        .initrd(initrd)
        .append(
            "console=ttyS0 panic=-1 quiet "
                + GuestRecord.kernelArguments(name, token, java.time.Duration.ofMillis(100)))
        .runtimeDir(runtimeDir);
  }

  /** A fresh, empty raw disk of 4 MiB (8192 record slots). */
  static Path newDisk(Path dir, String name) throws IOException {
    Path disk = dir.resolve(name + ".img");
    try (var f = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(4L << 20);
    }
    return disk;
  }
}
