package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.internal.DiskReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Writes a message to one node's mailbox on every usable disk and reads it back (a failing disk is
 * left out with a warning, as the daemons leave it out; a majority must take it). The disks must be
 * of the cluster named (a message on another cluster's disk would fence a stranger), and test,
 * reset and off go only to a node that heartbeats: a message to an empty, stopped or dead slot is
 * read by nobody, and "delivered" would be a lie.
 */
@Command(
    name = "message",
    description = "Send test, reset, off or clear to a running node's mailbox on every disk.")
final class MessageCommand implements Callable<Integer> {
  /** What an operator may send; evict is the master's alone. */
  static final List<MessageType> OPERATOR_TYPES =
      List.of(MessageType.TEST, MessageType.RESET, MessageType.OFF, MessageType.CLEAR);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin DiskOptions where;

  @Option(
      names = "--slot",
      required = true,
      description = "target node id",
      showDefaultValue = Visibility.NEVER)
  int slot;

  @Parameters(index = "0", description = "test, reset, off or clear")
  String type;

  @Override
  public Integer call() throws Exception {
    MessageType t = operatorType(type);
    String cluster = where.clusterOrNull();
    if (cluster == null) {
      throw new ConfigurationException(
          "message needs --cluster or --config: it writes only to disks of the cluster named");
    }
    List<BlockDevice> devices = DiskOptions.open(where.paths());
    try {
      // A failing disk is left out, as the daemons leave it out; a majority must be usable.
      List<BlockDevice> usable = new ArrayList<>();
      List<DiskHeader> headers = new ArrayList<>();
      List<String> unusable = new ArrayList<>();
      for (BlockDevice d : devices) {
        DiskHeader h;
        try {
          h = DiskOptions.header(d, null);
        } catch (IOException | QuorateException e) {
          unusable.add(e.getMessage());
          continue;
        }
        if (!cluster.equals(h.clusterName())) {
          throw new QuorateException(
              ErrorCode.CORRUPT_DATA,
              d.name() + " belongs to cluster '" + h.clusterName() + "', not '" + cluster + "'");
        }
        if (!headers.isEmpty() && !headers.get(0).setId().equals(h.setId())) {
          throw new QuorateException(
              ErrorCode.CORRUPT_DATA,
              d.name()
                  + " is of another disk set than "
                  + usable.get(0).name()
                  + "; nothing written");
        }
        DiskReader.checkSlot(h, slot, d.name());
        usable.add(d);
        headers.add(h);
      }
      int majority = devices.size() / 2 + 1;
      if (usable.size() < majority) {
        throw new QuorateException(
            ErrorCode.CORRUPT_DATA,
            "only "
                + usable.size()
                + " of "
                + devices.size()
                + " disks are usable, a majority is needed; nothing written: "
                + String.join("; ", unusable));
      }
      for (String problem : unusable) {
        spec.commandLine().getErr().printf("warning: left out: %s%n", problem);
      }
      ClusterView.NodeRow target =
          StatusCommand.observe(usable, cluster).nodes().stream()
              .filter(n -> n.node() == slot)
              .findFirst()
              .orElse(null);
      if (t != MessageType.CLEAR && (target == null || !target.heartbeating())) {
        throw new QuorateException(
            ErrorCode.REFUSED,
            "node "
                + slot
                + " is not running ("
                + (target == null ? "its slot is empty" : "slot " + target.slot().state())
                + (target == null || target.heartbeating() ? "" : ", not heartbeating")
                + "): nobody would read a "
                + name(t)
                + " message; nothing written");
      }
      long incarnation = target == null ? 0 : target.slot().incarnation();
      long id = System.nanoTime() & Long.MAX_VALUE;
      MailboxMessage m = new MailboxMessage(slot, t, 0, incarnation, id);
      int ok = 0;
      for (int i = 0; i < usable.size(); i++) {
        if (DiskReader.deliver(usable.get(i), headers.get(i), m)) {
          ok++;
        }
      }
      if (ok < majority) {
        throw new QuorateException(
            ErrorCode.IO_FAILURE,
            "message read back on only " + ok + " of " + devices.size() + " disks");
      }
      spec.commandLine()
          .getOut()
          .printf(
              "%s delivered to node %d (incarnation %d) on %d of %d disks%n",
              name(t), slot, incarnation, ok, devices.size());
    } finally {
      DiskOptions.closeAll(devices);
    }
    return 0;
  }

  private MessageType operatorType(String text) {
    String valid =
        OPERATOR_TYPES.stream().map(MessageCommand::name).collect(Collectors.joining(", "));
    MessageType t =
        Arrays.stream(MessageType.values())
            .filter(x -> name(x).equals(text.toLowerCase(Locale.ROOT)))
            .findFirst()
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "unknown message type '" + text + "': expected one of " + valid));
    if (!OPERATOR_TYPES.contains(t)) {
      throw new ParameterException(
          spec.commandLine(),
          "message type '" + text + "' is written by the master only: expected one of " + valid);
    }
    return t;
  }

  private static String name(MessageType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }
}
