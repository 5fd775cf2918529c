package dev.quorate.disklease.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockManagerProvider;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.WatchdogDevice;
import dev.quorate.quorum.SelfFence;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code quorate.lock.provider=disk}: {@code quorate.lock.disk.paths} (1, 3 or 5 comma-separated
 * formatted disks), {@code quorate.lock.disk.host-id}, optional {@code quorate.lock.disk.host-name}
 * (default: the host name) and {@code quorate.lock.disk.self-fence} ({@code exit}, the default,
 * {@code watchdog:/dev/watchdogN}, or {@code none} where every resource checks fencing tokens).
 */
public final class DiskLeaseProvider implements LockManagerProvider {
  private static final String PREFIX = "quorate.lock.disk.";
  private static final Set<String> KEYS =
      Set.of(
          "quorate.lock.provider",
          PREFIX + "paths",
          PREFIX + "host-id",
          PREFIX + "host-name",
          PREFIX + "self-fence");

  /** Creates the provider; called by the service loader. */
  public DiskLeaseProvider() {}

  @Override
  public String name() {
    return "disk";
  }

  @Override
  public LockManager create(Map<String, String> settings) {
    for (String key : settings.keySet()) {
      if (!KEYS.contains(key)) {
        throw new ConfigurationException(
            "unknown setting " + key + " for the disk lock manager; known: " + KEYS);
      }
    }
    String paths = required(settings, PREFIX + "paths");
    List<Path> disks = new ArrayList<>();
    for (String p : paths.split(",")) {
      if (!p.isBlank()) {
        disks.add(Path.of(p.strip()));
      }
    }
    String idText = required(settings, PREFIX + "host-id");
    int hostId;
    try {
      hostId = Integer.parseInt(idText.strip());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          PREFIX + "host-id '" + idText + "' is not a number from 1 to the area's host slots");
    }
    String hostName = settings.getOrDefault(PREFIX + "host-name", localHostName());
    try {
      return DiskLocks.open(
          disks,
          hostId,
          hostName,
          selfFence(settings.getOrDefault(PREFIX + "self-fence", "exit")),
          MonotonicClock.system());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuorateException(
          ErrorCode.CLOSED, "interrupted while acquiring host id " + hostId, e);
    }
  }

  private static SelfFence selfFence(String value) {
    if (value.equals("exit")) {
      return SelfFence.exit();
    }
    if (value.equals("none")) {
      return SelfFence.callback(reason -> {});
    }
    if (value.startsWith("watchdog:") && value.length() > "watchdog:".length()) {
      return WatchdogDevice.of(Path.of(value.substring("watchdog:".length()))).selfFence();
    }
    throw new ConfigurationException(
        PREFIX + "self-fence '" + value + "' must be exit, none or watchdog:<device>");
  }

  private static String required(Map<String, String> settings, String key) {
    String v = settings.get(key);
    if (v == null || v.isBlank()) {
      throw new ConfigurationException("the disk lock manager needs " + key);
    }
    return v;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
