package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops a host's VMs: each VM is a {@link VmProcess}, powered by the host's plug of the
 * power switch, so a power cut of the host kills it.
 */
final class VmRunner {
  private final String host;
  private final Path logs;
  private final int storagePort;
  private final PowerSwitch power;

  VmRunner(String host, Path work, int storagePort, PowerSwitch power) {
    this.host = host;
    this.logs = work.resolve("logs");
    this.storagePort = storagePort;
    this.power = power;
  }

  /** Boots a VM that writes to its disk with {@code token}. */
  Process start(String vm, FencingToken token) throws IOException {
    Files.createDirectories(logs);
    Path log = logs.resolve(vm + "-on-" + host + ".log");
    List<String> args =
        List.of(
            "--vm",
            vm,
            "--token",
            token.toString(),
            "--host",
            host,
            "--storage",
            Integer.toString(storagePort));
    Process process =
        new ProcessBuilder(ChildJvm.command(VmProcess.class, "32m", log, args))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    power.connect(host, process.pid());
    return process;
  }

  /**
   * Shuts a VM down cleanly, or kills it if it does not stop within {@code timeout}.
   *
   * @return the VM's exit code
   */
  int stop(Process vm, Duration timeout) throws InterruptedException {
    try {
      OutputStream stdin = vm.getOutputStream();
      stdin.write("stop\n".getBytes(StandardCharsets.US_ASCII));
      stdin.flush();
    } catch (IOException e) {
      // Already gone: waitFor below returns at once.
    }
    if (!vm.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      vm.destroyForcibly();
      vm.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    return vm.isAlive() ? -1 : vm.exitValue();
  }
}
