package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.internal.DiskReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes a message to one node's mailbox on every disk and reads it back. */
@Command(name = "message", description = "Send test, reset, off or clear to a node's mailbox.")
final class MessageCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DiskOptions where;

  @Option(names = "--slot", required = true, description = "target node id")
  int slot;

  @Parameters(index = "0", description = "test, reset, off or clear")
  String type;

  @Override
  public Integer call() throws Exception {
    MessageType t = MessageType.fromName(type);
    if (t == MessageType.EVICT) {
      throw new dev.quorate.lock.ConfigurationException(
          "evict is written by the master only: use reset or off");
    }
    List<BlockDevice> devices = DiskOptions.open(where.paths());
    try {
      List<DiskHeader> headers = new ArrayList<>();
      for (BlockDevice d : devices) {
        DiskHeader h = DiskOptions.header(d, where.clusterOrNull());
        DiskReader.checkSlot(h, slot, d.name());
        headers.add(h);
      }
      long incarnation = 0;
      for (int i = 0; i < devices.size(); i++) {
        incarnation =
            Math.max(
                incarnation,
                DiskReader.readSlot(devices.get(i), headers.get(i), slot)
                    .value()
                    .map(s -> s.incarnation())
                    .orElse(0L));
      }
      long id = System.nanoTime() & Long.MAX_VALUE;
      MailboxMessage m = new MailboxMessage(slot, t, 0, incarnation, id);
      int ok = 0;
      for (int i = 0; i < devices.size(); i++) {
        if (DiskReader.deliver(devices.get(i), headers.get(i), m)) {
          ok++;
        }
      }
      if (ok < devices.size() / 2 + 1) {
        throw new QuorateException(
            ErrorCode.IO_FAILURE,
            "message read back on only " + ok + " of " + devices.size() + " disks");
      }
      spec.commandLine()
          .getOut()
          .printf(
              "%s delivered to node %d (incarnation %d) on %d of %d" + " disks%n",
              t.name().toLowerCase(java.util.Locale.ROOT), slot, incarnation, ok, devices.size());
    } finally {
      DiskOptions.closeAll(devices);
    }
    return 0;
  }
}
