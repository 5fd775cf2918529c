package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.internal.DiskFormatter;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Formats 1, 3 or 5 disks as one set; checks all of them (sizes, foreign data, live heartbeats)
 * before writing to any.
 */
@Command(name = "format", description = "Write a fresh quorum disk layout; the header last.")
final class FormatCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-d", "--disk"},
      required = true,
      description = "disk to format (repeatable)")
  List<Path> disks;

  @Option(names = "--cluster", required = true, description = "owning cluster's name")
  String cluster;

  @Option(names = "--slots", defaultValue = "16", description = "node slots, 1..255")
  int slots;

  @Option(names = "--interval", defaultValue = "1s", description = "heartbeat interval")
  String interval;

  @Option(names = "--tko", defaultValue = "5", description = "missed beats before DOWN")
  int tko;

  @Option(names = "--tko-up", defaultValue = "2", description = "beats before UP")
  int tkoUp;

  @Option(names = "--io-timeout", defaultValue = "800ms", description = "I/O bound per beat")
  String ioTimeout;

  @Option(names = "--renewal-deadline", defaultValue = "3s", description = "self-fence deadline")
  String renewal;

  @Option(names = "--msgwait", defaultValue = "5s", description = "poison pill wait")
  String msgwait;

  @Option(
      names = "--force",
      description =
          "overwrite another cluster's disk, foreign data, or a disk with live heartbeats"
              + " (its running nodes fence themselves)")
  boolean force;

  @Override
  public Integer call() throws Exception {
    DiskTiming timing =
        new DiskTiming(
                DaemonConfig.duration("format", "--interval", interval),
                tko,
                tkoUp,
                DaemonConfig.duration("format", "--io-timeout", ioTimeout),
                DaemonConfig.duration("format", "--renewal-deadline", renewal),
                DaemonConfig.duration("format", "--msgwait", msgwait))
            .check();
    if (disks.size() != 1 && disks.size() != 3 && disks.size() != 5) {
      throw new dev.quorate.lock.ConfigurationException(
          disks.size() + " disks given: format 1, 3 or 5");
    }
    List<BlockDevice> devices = DiskOptions.open(disks);
    try {
      // One set: the disks of one format, and only they, may be listed together.
      UUID set = UUID.randomUUID();
      List<DiskHeader> headers =
          devices.stream()
              .map(
                  d ->
                      new DiskHeader(
                          DiskHeader.CURRENT_VERSION,
                          UUID.randomUUID(),
                          set,
                          cluster,
                          slots,
                          timing))
              .toList();
      DiskFormatter.formatSet(devices, headers, force, MonotonicClock.system());
      for (int i = 0; i < devices.size(); i++) {
        spec.commandLine()
            .getOut()
            .printf(
                "formatted %s: cluster %s, %d slots, disk %s of set %s, detection %d ms%n",
                devices.get(i).name(),
                cluster,
                slots,
                headers.get(i).diskId(),
                set,
                timing.detectionTime().toMillis());
      }
    } finally {
      DiskOptions.closeAll(devices);
    }
    return 0;
  }
}
