package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code LeaseTool status}: opens the disks read-only and prints the area, every host id that was
 * ever held with its state across a read window, every resource slot ever used with its token, mode
 * and holders, and where given resource names live.
 */
final class AreaStatus {
  private final PrintStream out;

  AreaStatus(PrintStream out) {
    this.out = out;
  }

  int run(ToolArgs a) throws IOException, InterruptedException {
    List<Path> paths = a.disks();
    try (AreaView view = open(paths)) {
      LeaseArea area = view.area();
      Duration window = a.has("--window") ? a.duration("--window", null) : AreaView.window(area);
      LeaseTiming t = area.timing();
      out.printf(
          "lease area %s: %d host ids, %d resource slots, %d disk(s), majority %d%n",
          area.areaId(), area.hostSlots(), area.resourceSlots(), paths.size(), view.majority());
      out.printf(
          "timing: io_timeout %d ms, renewal %d ms, renewal_deadline %d ms, host_expiry %d ms%n",
          t.ioTimeout().toMillis(),
          t.renewalInterval().toMillis(),
          t.renewalDeadline().toMillis(),
          t.hostExpiry().toMillis());
      List<AreaView.HostRow> hosts = view.hosts(window);
      out.printf("hosts (read twice, %d ms apart):%n", window.toMillis());
      out.printf(
          "  %-4s %-12s %-16s %-10s %-12s %s%n", "ID", "STATE", "OWNER", "GEN", "SEQ", "INSTANCE");
      int free = 0;
      for (AreaView.HostRow h : hosts) {
        if (h.record().isEmpty()) {
          free++;
          continue;
        }
        DeltaRecord r = h.record().get();
        String seq =
            h.firstSequence() == r.sequence()
                ? Long.toString(r.sequence())
                : h.firstSequence() + "->" + r.sequence();
        out.printf(
            "  %-4d %-12s %-16s %-10d %-12s %s%n",
            h.hostId(), state(h.state()), r.owner(), r.generation(), seq, r.instance());
      }
      out.printf("  (%d host id(s) never held)%n", free);
      Map<Integer, LeaseValue> slots = view.usedSlots();
      out.println("resource slots ever used:");
      out.printf("  %-6s %-6s %-10s %s%n", "SLOT", "LVER", "MODE", "HOLDERS");
      for (Map.Entry<Integer, LeaseValue> e : slots.entrySet()) {
        LeaseValue v = e.getValue();
        List<String> holders = new ArrayList<>();
        for (LeaseValue.Holder h : v.holders()) {
          holders.add(h + " (" + holderState(h, hosts) + ")");
        }
        out.printf(
            "  %-6d %-6d %-10s %s%n",
            e.getKey(),
            v.lver(),
            v.mode().name().toLowerCase(Locale.ROOT),
            holders.isEmpty() ? "-" : String.join(", ", holders));
      }
      if (slots.isEmpty()) {
        out.println("  (none)");
      }
      if (a.has("--resource")) {
        for (String name : a.required("--resource").split(",")) {
          int slot = SlotNames.slotOf(name.strip(), area.resourceSlots());
          LeaseValue v = slots.getOrDefault(slot, LeaseValue.NEVER_USED);
          out.printf(
              "resource %s: slot %d, %s, lver %d%n",
              name.strip(), slot, v.mode().name().toLowerCase(Locale.ROOT), v.lver());
        }
      }
      out.println("(a grant's fencing token is LVER.N, N counting the holder's local grants)");
    }
    return LeaseTool.OK;
  }

  /** Opens every disk read-only and checks they hold one area. */
  static AreaView open(List<Path> paths) throws IOException {
    List<BlockDevice> devices = new ArrayList<>();
    try {
      LeaseArea area = null;
      for (Path p : paths) {
        BlockDevice d = BlockDevice.openReadOnly(p);
        devices.add(d);
        LeaseArea found = LeaseArea.read(d);
        if (area != null && !area.equals(found)) {
          throw new ConfigurationException(
              "lease disk "
                  + p
                  + " holds area "
                  + found.areaId()
                  + ", "
                  + paths.get(0)
                  + " holds "
                  + area.areaId()
                  + ": not one lease area");
        }
        area = found;
      }
      return new AreaView(area, devices);
    } catch (IOException | RuntimeException e) {
      for (BlockDevice d : devices) {
        d.close();
      }
      throw e;
    }
  }

  private static String state(AreaView.HostState s) {
    return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String holderState(LeaseValue.Holder h, List<AreaView.HostRow> hosts) {
    if (h.hostId() < 1 || h.hostId() > hosts.size()) {
      return "host id out of the area's range";
    }
    AreaView.HostRow row = hosts.get(h.hostId() - 1);
    if (row.record().isEmpty() || row.record().get().generation() != h.generation()) {
      return "stale: host id now at generation "
          + row.record().map(DeltaRecord::generation).orElse(0L);
    }
    return "host " + state(row.state());
  }
}
