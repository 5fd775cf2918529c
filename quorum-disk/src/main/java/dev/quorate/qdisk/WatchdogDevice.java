package dev.quorate.qdisk;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.internal.Problems;
import dev.quorate.qdisk.internal.WatchdogFence;
import dev.quorate.quorum.SelfFence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux watchdog as the quorum disk's self-fence: its device file, the sysfs directory the kernel
 * publishes its timeout in, and optionally the timeout the operator expects.
 *
 * <p>Java cannot issue the {@code WDIOC_SETTIMEOUT} ioctl, so the timeout is set outside the daemon
 * (the driver's module parameter such as softdog's {@code soft_margin}, or {@code wdctl -s}) and
 * read back here from {@code <sysfs>/timeout}. {@link #check} refuses a timeout the disk's timing
 * cannot cover: {@code 2 x interval <= timeout <= renewal_deadline}. The upper bound makes a hung
 * or paused node reset no later than its own renewal deadline would fence it, so every relation
 * {@link DiskTiming#check()} keeps for that deadline (detection after {@code tko x interval}, the
 * poison pill's msgwait) also covers the watchdog; it is the quorum disk's counterpart of SBD's
 * {@code msgwait >= 2 x watchdog timeout}. The lower bound keeps one late heartbeat from resetting
 * a healthy machine.
 *
 * <pre>{@code
 * WatchdogDevice wd = WatchdogDevice.of(Path.of("/dev/watchdog"));   // sysfs watchdog0
 * WatchdogDevice.check(wd.readTimeout(), header.timing());          // refuses 60 s
 * SelfFence action = wd.selfFence();
 * }</pre>
 *
 * @param device the character device, such as {@code /dev/watchdog}; in tests any writable file
 * @param sysfs the directory holding the {@code timeout} file, such as {@code
 *     /sys/class/watchdog/watchdog0}
 * @param expectedTimeout the timeout the operator set; checked against sysfs, and used on its own
 *     only where sysfs does not publish the timeout
 */
public record WatchdogDevice(Path device, Path sysfs, Optional<Duration> expectedTimeout) {
  private static final Pattern NUMBERED = Pattern.compile("watchdog(\\d+)");

  /**
   * Checks that no field is null and the expected timeout is positive.
   *
   * @param device the device file
   * @param sysfs the sysfs directory
   * @param expectedTimeout the declared timeout, if any
   * @throws ConfigurationException if the expected timeout is zero or negative
   */
  public WatchdogDevice {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(sysfs, "sysfs");
    Objects.requireNonNull(expectedTimeout, "expectedTimeout");
    if (expectedTimeout.isPresent()
        && (expectedTimeout.get().isNegative() || expectedTimeout.get().isZero())) {
      throw new ConfigurationException(
          "watchdog timeout " + expectedTimeout.get().toMillis() + " ms must be positive");
    }
  }

  /**
   * Returns the watchdog at {@code device} with its sysfs directory derived from the name: {@code
   * /dev/watchdogN} is {@code /sys/class/watchdog/watchdogN}, and the legacy {@code /dev/watchdog}
   * is the first watchdog, {@code watchdog0}.
   *
   * @param device the device file
   * @return the watchdog, no timeout declared
   */
  public static WatchdogDevice of(Path device) {
    Path name = device.getFileName();
    Matcher m = NUMBERED.matcher(name == null ? "" : name.toString());
    String dir = m.matches() ? "watchdog" + m.group(1) : "watchdog0";
    return new WatchdogDevice(
        device, Path.of("/sys/class/watchdog").resolve(dir), Optional.empty());
  }

  /**
   * Returns this watchdog with another sysfs directory (a stand-in in tests).
   *
   * @param dir the directory holding {@code timeout}
   * @return a new value
   */
  public WatchdogDevice withSysfs(Path dir) {
    return new WatchdogDevice(device, dir, expectedTimeout);
  }

  /**
   * Returns this watchdog with the timeout the operator set.
   *
   * @param timeout the declared timeout
   * @return a new value
   */
  public WatchdogDevice withExpectedTimeout(Duration timeout) {
    return new WatchdogDevice(device, sysfs, Optional.of(timeout));
  }

  /**
   * Reads the timeout back from {@code <sysfs>/timeout} (whole seconds).
   *
   * @return the timeout in force
   * @throws ConfigurationException if the file is missing and no timeout is declared, unreadable,
   *     not a positive number of seconds, or differs from the declared timeout
   */
  public Duration readTimeout() {
    Path file = sysfs.resolve("timeout");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return expectedTimeout.orElseThrow(
          () ->
              new ConfigurationException(
                  "watchdog "
                      + device
                      + ": "
                      + file
                      + " does not exist, so its timeout cannot be read back; give"
                      + " watchdog.sysfs (the /sys/class/watchdog/watchdogN directory of this"
                      + " device) or declare the timeout you set with watchdog.timeout"));
    } catch (IOException e) {
      throw new ConfigurationException(
          "watchdog " + device + ": cannot read " + file + ": " + Problems.describe(e));
    }
    long seconds;
    try {
      seconds = Long.parseLong(text);
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds <= 0) {
      throw new ConfigurationException(
          "watchdog " + device + ": " + file + " holds '" + text + "', not a number of seconds");
    }
    Duration actual = Duration.ofSeconds(seconds);
    if (expectedTimeout.isPresent() && !expectedTimeout.get().equals(actual)) {
      throw new ConfigurationException(
          "watchdog "
              + device
              + ": timeout is "
              + seconds
              + " s in "
              + file
              + " but watchdog.timeout declares "
              + expectedTimeout.get().toMillis()
              + " ms; set the driver's timeout or correct the declaration");
    }
    return actual;
  }

  /**
   * Returns a self-fence that pets this watchdog after every renewal and never writes its magic
   * close character while fencing. {@link SelfFence#verify} reads the watchdog's timeout back and
   * refuses one the timing cannot cover ({@link #check}); the device is opened, and so armed, at
   * the first renewal; {@link SelfFence#disarm} writes the magic close {@code 'V'} on a clean stop.
   * To fence it stops petting, keeps the device open (a driver without magic close support would
   * stop on close) and, should the machine still run after twice the timeout, halts with {@link
   * SelfFence#EXIT_STATUS}.
   *
   * <pre>{@code
   * QuorumDisk.builder(1, "prod").selfFence(WatchdogDevice.of(Path.of("/dev/watchdog")).selfFence());
   * }</pre>
   *
   * @return the action
   */
  public SelfFence selfFence() {
    return new WatchdogFence(this, MonotonicClock.system(), Runtime.getRuntime()::halt);
  }

  /**
   * Checks a watchdog timeout against a disk's timing.
   *
   * @param timeout the watchdog's timeout
   * @param timing the disk's timing
   * @return {@code timeout}
   * @throws ConfigurationException naming both numbers when {@code timeout} is above the renewal
   *     deadline or below {@code 2 x interval}
   */
  public static Duration check(Duration timeout, DiskTiming timing) {
    return check(timeout, timing.interval(), timing.renewalDeadline());
  }

  /**
   * Checks a watchdog timeout against a renewal interval and deadline (a quorum disk's, or a disk
   * lock manager's host lease).
   *
   * @param timeout the watchdog's timeout
   * @param interval how often the member renews
   * @param renewalDeadline how long after its last renewal the others may take it for dead
   * @return {@code timeout}
   * @throws ConfigurationException naming both numbers when {@code timeout} is above the renewal
   *     deadline or below {@code 2 x interval}
   */
  public static Duration check(Duration timeout, Duration interval, Duration renewalDeadline) {
    if (timeout.compareTo(renewalDeadline) > 0) {
      throw new ConfigurationException(
          "unsafe watchdog timeout: "
              + timeout.toMillis()
              + " ms exceeds renewal_deadline "
              + renewalDeadline.toMillis()
              + " ms: a hung node would be reset only after its peers may take it for dead"
              + " (they rely on the deadline); lower the watchdog timeout (softdog soft_margin,"
              + " the driver's timeout parameter, or wdctl -s) or raise renewal_deadline");
    }
    Duration min = interval.multipliedBy(2);
    if (timeout.compareTo(min) < 0) {
      throw new ConfigurationException(
          "unsafe watchdog timeout: "
              + timeout.toMillis()
              + " ms is below 2 x interval = "
              + min.toMillis()
              + " ms: one late heartbeat would reset a healthy machine");
    }
    return timeout;
  }
}
