package dev.quorate.qdisk.internal.daemon;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * Reads the disk twice, one interval and a bit apart, and reports which slots moved: the same
 * "sequence changed" test the daemons use, from outside.
 */
@Command(name = "status", description = "Show nodes, their states, and whether they heartbeat.")
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DiskOptions where;

  @Override
  public Integer call() throws Exception {
    List<BlockDevice> devices = DiskOptions.open(where.paths());
    try {
      BlockDevice d = devices.get(0);
      DiskImage first = DiskImage.read(d, where.clusterOrNull());
      Thread.sleep(first.header().timing().interval().toMillis() * 3 / 2);
      DiskImage second = DiskImage.read(d, where.clusterOrNull());
      var out = spec.commandLine().getOut();
      out.printf("cluster %s on %s%n", first.header().clusterName(), d.name());
      for (int i = 0; i < second.slots().size(); i++) {
        HeartbeatSlot a = first.slots().get(i).value().orElse(null);
        HeartbeatSlot b = second.slots().get(i).value().orElse(null);
        if (b == null) {
          out.printf("  node %-3d unreadable: %s%n", i + 1, second.slots().get(i).detail());
        } else if (b.state() != SlotState.EMPTY) {
          boolean moving =
              a == null || a.incarnation() != b.incarnation() || a.sequence() != b.sequence();
          out.printf(
              "  node %-3d %-7s %s  term %d%n",
              i + 1, b.state(), moving ? "heartbeating" : "silent", b.term());
        }
      }
    } finally {
      DiskOptions.closeAll(devices);
    }
    return 0;
  }
}
