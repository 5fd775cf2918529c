package dev.quorate.vm;

import dev.quorate.lock.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Quorate's test guest: Debian's cloud kernel and an initramfs with busybox and the guest's init,
 * made by {@code bin/lib/build-guest.sh DIR}, which names them in {@code DIR/guest.properties}. The
 * guest appends one {@link GuestRecord} per interval to its first disk and prints it on its serial
 * console. The demo, and the ITs of every module that boots guests, find it here.
 *
 * <pre>{@code
 * GuestImage image = GuestImage.load(Path.of("vm/target/guest"));
 * try (QemuGuest vm =
 *     image.builder("vm-1", 7, Duration.ofMillis(100)).disk(Path.of("vm-1.img")).build()) {
 *   vm.start();
 * }
 * }</pre>
 *
 * @param kernel the guest's kernel
 * @param initrd the guest's initramfs
 */
public record GuestImage(Path kernel, Path initrd) {
  /** The QEMU program that boots the guest: {@value}. */
  public static final String QEMU = "qemu-system-x86_64";

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

  /**
   * Checks the parts.
   *
   * @param kernel the guest's kernel
   * @param initrd the guest's initramfs
   * @throws NullPointerException if a part is null
   */
  public GuestImage {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(initrd, "initrd");
  }

  /**
   * Reads the image that {@code bin/lib/build-guest.sh dir} made.
   *
   * @param dir the image's directory
   * @return the image, its files readable
   * @throws VmException INVALID_CONFIGURATION naming the directory or the file that is missing, and
   *     the command that makes it
   */
  public static GuestImage load(Path dir) {
    Path described = dir.resolve("guest.properties");
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(described)) {
      p.load(in);
    } catch (IOException e) {
      throw new VmException(
          ErrorCode.INVALID_CONFIGURATION,
          "no guest image in " + dir + " (" + e + "): run bin/lib/build-guest.sh " + dir,
          e);
    }
    GuestImage image =
        new GuestImage(Path.of(p.getProperty("kernel", "")), Path.of(p.getProperty("initrd", "")));
    for (Path file : new Path[] {image.kernel, image.initrd}) {
      if (file.toString().isEmpty() || !Files.isReadable(file)) {
        throw new VmException(
            ErrorCode.INVALID_CONFIGURATION,
            described + " names '" + file + "', which is not a readable file: rebuild the guest");
      }
    }
    return image;
  }

  /**
   * Builds the image into {@code dir} with the build script (which reuses a cached build whose
   * packages and init are unchanged), then reads it.
   *
   * @param script {@code bin/lib/build-guest.sh}
   * @param dir where the image goes
   * @return the image
   * @throws VmException IO_FAILURE with the script's output if it fails or runs over 10 minutes
   * @throws InterruptedException if interrupted while the script runs
   */
  public static GuestImage build(Path script, Path dir) throws InterruptedException {
    Process build;
    byte[] output;
    try {
      build =
          new ProcessBuilder("bash", script.toString(), dir.toString())
              .redirectErrorStream(true)
              .start();
      try (InputStream in = build.getInputStream()) {
        output = in.readAllBytes();
      }
    } catch (IOException e) {
      throw new VmException(ErrorCode.IO_FAILURE, "cannot run " + script + ": " + e, e);
    }
    if (!build.waitFor(BUILD_TIMEOUT.toMinutes(), TimeUnit.MINUTES) || build.exitValue() != 0) {
      build.destroyForcibly();
      throw new VmException(
          ErrorCode.IO_FAILURE,
          script + " " + dir + " failed: " + new String(output, StandardCharsets.UTF_8));
    }
    return load(dir);
  }

  /**
   * Says whether {@code program} is an executable in a directory of the {@code PATH}.
   *
   * @param program a program's name, such as {@value #QEMU}
   * @return true if it is on the PATH
   */
  public static boolean onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
  }

  /**
   * Returns a builder for a guest of this image that writes a record every {@code interval} under
   * {@code token}, its console on the serial port.
   *
   * @param name the guest's name, also its records' id
   * @param token the fencing token its records carry
   * @param interval the time between records
   * @return a builder with kernel, initramfs and command line set
   * @throws IllegalArgumentException for a bad name, a negative token or a too short interval
   */
  public QemuGuestBuilder builder(String name, long token, Duration interval) {
    return QemuGuest.builder(name)
        .kernel(kernel)
        .initrd(initrd)
        .append(
            "console=ttyS0 panic=-1 quiet " + GuestRecord.kernelArguments(name, token, interval));
  }
}
