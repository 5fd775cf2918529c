package dev.quorate.qdisk.internal.daemon;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.WatchdogDevice;
import dev.quorate.qdisk.internal.DiskChannel;
import dev.quorate.qdisk.internal.EngineFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Checks a config file and its disks without writing anything. */
@Command(name = "validate", description = "Check a config file and its disks; writes nothing.")
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
      DiskTiming t = channels.get(0).header().timing();
      spec.commandLine()
          .getOut()
          .printf(
              "config %s is valid: node %d of cluster %s on %d disk(s), %d slots; interval %d ms,"
                  + " tko %d (detection %d ms), renewal deadline %d ms%n",
              config,
              c.nodeId(),
              c.cluster(),
              channels.size(),
              channels.get(0).header().slotCount(),
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
