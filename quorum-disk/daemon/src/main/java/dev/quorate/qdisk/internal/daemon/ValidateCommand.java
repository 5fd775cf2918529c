package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.WatchdogDevice;
import dev.quorate.qdisk.internal.DiskChannel;
import dev.quorate.qdisk.internal.EngineFactory;
import dev.quorate.qdisk.internal.LiveSlots;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks a config file and its disks without writing anything: a majority of usable disks of one
 * set (a warning names each unusable one), and that no other process heartbeats in the node's slot.
 */
@Command(
    name = "validate",
    description =
        "Check a config file and its disks, and that the node's slot is not in use; writes"
            + " nothing.")
final class ValidateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      description = "daemon config file")
  Path config;

  @Option(names = "--config-only", description = "do not open the disks")
  boolean configOnly;

  @Override
  public Integer call() throws Exception {
    DaemonConfig c = DaemonConfig.load(config);
    if (configOnly) {
      spec.commandLine().getOut().printf("config %s is valid (disks not checked)%n", config);
      return 0;
    }
    List<BlockDevice> devices = DiskOptions.openReadOnly(c.disks());
    try {
      List<DiskChannel> channels = EngineFactory.channels(devices, c.cluster(), c.nodeId());
      List<DiskChannel> usable = channels.stream().filter(DiskChannel::joined).toList();
      for (DiskChannel bad : channels) {
        if (!bad.joined()) {
          spec.commandLine().getOut().printf("warning: %s%n", bad.health().lastError());
        }
      }
      DiskTiming t = usable.get(0).header().timing();
      List<LiveSlots.Advance> active =
          LiveSlots.watch(
              usable.stream().map(DiskChannel::device).toList(),
              n -> n == c.nodeId(),
              LiveSlots.window(t),
              MonotonicClock.system());
      if (!active.isEmpty()) {
        throw new QuorateException(
            ErrorCode.REFUSED,
            "slot "
                + c.nodeId()
                + " is active: "
                + LiveSlots.describe(active)
                + "; a process with node.id="
                + c.nodeId()
                + " runs already: stop it, or give this node its own id");
      }
      spec.commandLine()
          .getOut()
          .printf(
              "config %s is valid: node %d of cluster %s on %d disk(s), %d slots; interval %d ms,"
                  + " tko %d (detection %d ms), renewal deadline %d ms%n",
              config,
              c.nodeId(),
              c.cluster(),
              channels.size(),
              usable.get(0).header().slotCount(),
              t.interval().toMillis(),
              t.tko(),
              t.detectionTime().toMillis(),
              t.renewalDeadline().toMillis());
      if (c.selfFence().equals("watchdog")) {
        Duration w = WatchdogDevice.check(c.watchdog().readTimeout(), t);
        spec.commandLine()
            .getOut()
            .printf(
                "watchdog %s: timeout %d ms, within renewal deadline %d ms%n",
                c.watchdog().device(), w.toMillis(), t.renewalDeadline().toMillis());
      }
    } finally {
      DiskOptions.closeAll(devices);
    }
    return 0;
  }
}
