package dev.quorate.qdisk.internal.daemon;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.internal.Decoded;
import dev.quorate.qdisk.internal.DiskReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything on one disk, decoded, for {@code dump} and {@code status}. */
record DiskImage(
    String device,
    DiskHeader header,
    List<Decoded<HeartbeatSlot>> slots,
    List<Decoded<MailboxMessage>> mailboxes) {

  static DiskImage read(BlockDevice d, String cluster) throws IOException {
    DiskHeader h = DiskReader.readHeader(d, cluster);
    List<Decoded<HeartbeatSlot>> slots = new ArrayList<>();
    List<Decoded<MailboxMessage>> boxes = new ArrayList<>();
    for (int n = 1; n <= h.slotCount(); n++) {
      slots.add(DiskReader.readSlot(d, h, n));
      boxes.add(DiskReader.readMailbox(d, h, n));
    }
    return new DiskImage(d.name(), h, slots, boxes);
  }

  Map<String, Object> toMap(boolean all) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("device", device);
    m.put("version", header.version());
    m.put("diskId", header.diskId().toString());
    m.put("setId", header.setId().toString());
    m.put("cluster", header.clusterName());
    m.put("slots", header.slotCount());
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("intervalMs", header.timing().interval().toMillis());
    t.put("tko", header.timing().tko());
    t.put("tkoUp", header.timing().tkoUp());
    t.put("ioTimeoutMs", header.timing().ioTimeout().toMillis());
    t.put("renewalDeadlineMs", header.timing().renewalDeadline().toMillis());
    t.put("msgwaitMs", header.timing().msgwait().toMillis());
    m.put("timing", t);
    List<Object> nodes = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      Decoded<HeartbeatSlot> s = slots.get(i);
      boolean empty =
          s.value().map(v -> v.state() == dev.quorate.qdisk.SlotState.EMPTY).orElse(false);
      if (empty && !all) {
        continue;
      }
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("node", i + 1);
      if (s.value().isPresent()) {
        HeartbeatSlot v = s.value().get();
        o.put("state", v.state().name());
        o.put("incarnation", v.incarnation());
        o.put("sequence", v.sequence());
        o.put("score", v.score());
        o.put("eligible", v.eligible());
        o.put("vote", v.vote());
        o.put("term", v.term());
        o.put("view", v.upNodes());
      } else {
        o.put("problem", s.detail());
      }
      Decoded<MailboxMessage> b = mailboxes.get(i);
      o.put(
          "mailbox",
          b.value()
              .map(
                  x ->
                      x.type().name()
                          + " from "
                          + x.sender()
                          + " for incarnation "
                          + x.targetIncarnation())
              .orElse("unreadable: " + b.detail()));
      nodes.add(o);
    }
    m.put("nodes", nodes);
    return m;
  }

  String toText(boolean all) {
    Map<String, Object> m = toMap(all);
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%s: cluster %s, disk %s of set %s, version %s, %s slots%n"
                + "  timing: interval %d ms, tko %d, tko-up %d, io timeout %d ms,"
                + " renewal deadline %d ms, msgwait %d ms%n",
            device,
            m.get("cluster"),
            m.get("diskId"),
            m.get("setId"),
            m.get("version"),
            m.get("slots"),
            header.timing().interval().toMillis(),
            header.timing().tko(),
            header.timing().tkoUp(),
            header.timing().ioTimeout().toMillis(),
            header.timing().renewalDeadline().toMillis(),
            header.timing().msgwait().toMillis()));
    out.append(
        String.format(
            "  %-4s %-8s %-11s %-12s %-5s %-5s %s%n",
            "node", "state", "incarnation", "sequence", "vote", "term", "mailbox"));
    for (Object o : (List<?>) m.get("nodes")) {
      Map<?, ?> n = (Map<?, ?>) o;
      if (n.containsKey("problem")) {
        out.append(String.format("  %-4s CORRUPT: %s%n", n.get("node"), n.get("problem")));
      } else {
        out.append(
            String.format(
                "  %-4s %-8s %-11s %-12s %-5s %-5s %s%n",
                n.get("node"),
                n.get("state"),
                n.get("incarnation"),
                n.get("sequence"),
                n.get("vote"),
                n.get("term"),
                n.get("mailbox")));
      }
    }
    return out.toString();
  }
}
