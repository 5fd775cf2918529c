package dev.quorate.samples.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A simulated physical host, as the demo sees it: the process of its cluster manager ({@link
 * HostAgent}), powered by the host's plug of the power switch. Its events go to the timeline.
 */
final class HostProcess {
  private final String host;
  private final Process process;

  private HostProcess(String host, Process process) {
    this.host = host;
    this.process = process;
  }

  /**
   * Boots the host: starts its cluster manager (in the host's network namespace, if it has one) and
   * plugs it into the power switch.
   */
  static HostProcess boot(
      HostConfig config, Timeline timeline, PowerSwitch power, HostNetwork network)
      throws IOException {
    Path logs = Files.createDirectories(config.work().resolve("logs"));
    Path log = logs.resolve(config.host() + ".log");
    Process process =
        new ProcessBuilder(
                // ip netns exec execs the JVM in place: the pid plugged in is the JVM's.
                network.on(
                    config.host(), ChildJvm.command(HostAgent.class, "96m", log, config.toArgs())))
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    power.connect(config.host(), process.pid());
    HostProcess host = new HostProcess(config.host(), process);
    Thread reader = new Thread(() -> host.forward(timeline), "events-" + config.host());
    reader.setDaemon(true);
    reader.start();
    return host;
  }

  private void forward(Timeline timeline) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        AgentEvent.parse(line).ifPresent(event -> timeline.record(host, event));
      }
    } catch (IOException e) {
      // The host died; its silence is what the cluster has to notice.
    }
  }

  String name() {
    return host;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a command line to the cluster manager. */
  void send(String command) throws IOException {
    OutputStream stdin = process.getOutputStream();
    stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** Kills the cluster manager with SIGKILL: no goodbye, no release, no clean slot. */
  void crash() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
  }

  /** Shuts the host down cleanly (VMs stopped, locks released), or kills it after the timeout. */
  void shutdown(Duration timeout) throws InterruptedException {
    if (process.isAlive()) {
      try {
        send("quit");
      } catch (IOException e) {
        // Its stdin is gone: it is dying anyway.
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        crash();
      }
    }
  }
}
