package dev.quorate.vm.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Decides {@code Accel.AUTO}: a short boot under KVM must print kernel output on the serial console
 * within 20 s. An accessible {@code /dev/kvm} is not enough: on nested cloud machines a KVM boot
 * can hang at "Booting from ROM" with the host CPU spinning. The answer is kept per QEMU and
 * kernel.
 */
final class KvmProbe {
  private static final long BOUND_SECONDS = 20;
  private static final Map<List<Object>, Boolean> RESULTS = new ConcurrentHashMap<>();

  private KvmProbe() {}

  static boolean works(String qemu, Path kernel, Path initrd) throws InterruptedException {
    List<Object> key = List.of(qemu, kernel, initrd);
    Boolean known = RESULTS.get(key);
    if (known != null) {
      return known;
    }
    boolean works = Files.isWritable(Path.of("/dev/kvm")) && boot(qemu, kernel, initrd);
    RESULTS.put(key, works);
    return works;
  }

  private static boolean boot(String qemu, Path kernel, Path initrd) throws InterruptedException {
    Process p;
    try {
      p =
          new ProcessBuilder(
                  qemu,
                  "-nodefaults",
                  "-no-user-config",
                  "-display",
                  "none",
                  "-serial",
                  "stdio",
                  "-accel",
                  "kvm",
                  "-m",
                  "128",
                  "-no-reboot",
                  "-kernel",
                  kernel.toString(),
                  "-initrd",
                  initrd.toString(),
                  "-append",
                  "console=ttyS0 panic=-1 loglevel=7")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      return false;
    }
    CompletableFuture<Boolean> printed =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.contains("Linux version")) {
                    return true;
                  }
                }
                return false;
              } catch (IOException e) {
                return false;
              }
            });
    try {
      return printed.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } finally {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
