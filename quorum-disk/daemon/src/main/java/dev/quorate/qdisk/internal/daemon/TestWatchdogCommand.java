package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.WatchdogDevice;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * SBD's {@code test-watchdog}: arms the watchdog, pets it once and never again. A working watchdog
 * resets the machine within its timeout; if this command is still running after twice the timeout,
 * it reports that the watchdog does not work. It never writes the magic close character, so the
 * watchdog stays armed when the command ends.
 */
@Command(
    name = "test-watchdog",
    description = {
      "Arm the watchdog and stop petting it: THIS RESETS THE MACHINE if the watchdog works.",
      "Needs --confirm-reset. Ends with exit 6 if the machine was not reset within 2 x timeout."
    })
final class TestWatchdogCommand implements Callable<Integer> {
  static final int NOT_RESET = 6;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--device", required = true, description = "the watchdog, e.g. /dev/watchdog")
  Path device;

  @Option(
      names = "--sysfs",
      description = "its sysfs directory; default /sys/class/watchdog/watchdogN from the name")
  Path sysfs;

  @Option(names = "--timeout", description = "the timeout you set, when sysfs does not show it")
  String timeout;

  @Option(names = "--confirm-reset", description = "yes, reset this machine")
  boolean confirmed;

  MonotonicClock clock = MonotonicClock.system();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!confirmed) {
      err.printf(
          "qdisk: test-watchdog resets this machine (every process on it dies at once) if %s"
              + " works; run it again with --confirm-reset to go ahead; nothing was opened%n",
          device);
      err.flush();
      return 2;
    }
    WatchdogDevice w = WatchdogDevice.of(device);
    if (sysfs != null) {
      w = w.withSysfs(sysfs);
    }
    if (timeout != null) {
      w = w.withExpectedTimeout(DaemonConfig.duration("test-watchdog", "--timeout", timeout));
    }
    Duration t = w.readTimeout();
    Duration wait = t.multipliedBy(2);
    err.printf(
        "WARNING: arming watchdog %s (timeout %d ms) and no longer petting it:"
            + " this machine resets within %d ms%n",
        device, t.toMillis(), t.toMillis());
    err.flush();
    // Never closed: closing could stop a driver without magic close support, and the JVM's exit
    // closes it without 'V', so a working watchdog stays armed.
    @SuppressWarnings("resource")
    FileOutputStream armed = new FileOutputStream(device.toFile(), true);
    armed.write('1');
    armed.flush();
    out.printf(
        "watchdog %s armed and petted once; waiting %d ms for the reset%n",
        device, wait.toMillis());
    out.flush();
    clock.sleep(wait);
    err.printf(
        "qdisk: the machine was not reset within %d ms (2 x the watchdog timeout): watchdog %s"
            + " does not work; do not rely on self-fence=watchdog. It stays armed.%n",
        wait.toMillis(), device);
    err.flush();
    return NOT_RESET;
  }
}
