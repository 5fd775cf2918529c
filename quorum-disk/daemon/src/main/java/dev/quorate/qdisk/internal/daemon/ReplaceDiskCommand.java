package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.internal.DiskReplacement;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Formats one disk of a configured set into that set, for running nodes to adopt. */
@Command(
    name = "replace-disk",
    description =
        "Format a new or failed disk of a node's disk list into the running set (a majority of"
            + " the other disks must be healthy); running nodes use it from their next heartbeat.")
final class ReplaceDiskCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      description = "daemon config file whose disks= lists the disk")
  Path config;

  @Option(
      names = {"-d", "--disk"},
      required = true,
      description = "the disk to replace, as listed in disks=")
  Path disk;

  @Option(
      names = "--force",
      description = "also overwrite another cluster's disk, foreign data or live heartbeats")
  boolean force;

  @Override
  public Integer call() throws Exception {
    DaemonConfig c = DaemonConfig.load(config);
    int target = c.disks().indexOf(disk);
    if (target < 0) {
      throw new ConfigurationException(
          disk + " is not one of the disks of " + config + ": " + c.disks());
    }
    List<BlockDevice> devices = DiskOptions.open(c.disks());
    try {
      DiskHeader h =
          DiskReplacement.replace(devices, target, c.cluster(), force, MonotonicClock.system());
      spec.commandLine()
          .getOut()
          .printf(
              "replaced %s: now disk %s of set %s, cluster %s; running nodes use it from their"
                  + " next heartbeat%n",
              disk, h.diskId(), h.setId(), h.clusterName());
    } finally {
      DiskOptions.closeAll(devices);
    }
    return 0;
  }
}
