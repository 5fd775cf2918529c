package dev.quorate.qdisk.internal;

import dev.quorate.fence.AgentMetadata;
import dev.quorate.fence.AgentParameter;
import dev.quorate.fence.AgentRequest;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgent;
import dev.quorate.fence.FenceOutcome;
import dev.quorate.fence.PlugList;
import dev.quorate.fence.PowerStatus;
import dev.quorate.fence.StatusReport;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskClock;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.qdisk.SlotState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SBD-style poison pill as a fence agent ({@code fence_qdisk_pill}): OFF writes OFF, REBOOT writes
 * RESET, ON writes CLEAR into the target's mailbox on every disk, reads each back, and for OFF and
 * REBOOT then waits msgwait, by which time a live target has read the pill and fenced itself and a
 * cut-off target has passed its renewal deadline. Options: {@code devices} (comma-separated paths)
 * and optionally {@code cluster}; the plug is the target's node id.
 */
public final class PoisonPillAgent implements FenceAgent {
  /** The agent name devices refer to. */
  public static final String NAME = "fence_qdisk_pill";

  private final DiskClock clock;

  /** The agent on the system clock; the constructor {@link java.util.ServiceLoader} uses. */
  public PoisonPillAgent() {
    this(DiskClock.system());
  }

  PoisonPillAgent(DiskClock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public FenceOutcome perform(AgentRequest r) throws InterruptedException {
    long start = clock.nanoTime();
    FenceAction a = r.action();
    if (a.changesPower() == (a == FenceAction.MONITOR || a == FenceAction.VALIDATE_ALL)) {
      throw new IllegalArgumentException(NAME + " cannot perform " + a + " (a query)");
    }
    try (Disks disks = Disks.open(r)) {
      if (a == FenceAction.MONITOR || a == FenceAction.VALIDATE_ALL) {
        return outcome(r, 0, start, "disks readable: " + disks.devices.size());
      }
      int target = disks.target(r);
      DiskHeader h0 = disks.headers.get(0);
      Duration msgwait = h0.timing().msgwait();
      boolean waits = a != FenceAction.ON;
      if (waits && msgwait.compareTo(r.timeout()) >= 0) {
        return outcome(
            r,
            1,
            start,
            "msgwait "
                + msgwait.toMillis()
                + " ms does not fit in the"
                + " call's timeout "
                + r.timeout().toMillis()
                + " ms; nothing was written");
      }
      MessageType type =
          a == FenceAction.OFF
              ? MessageType.OFF
              : a == FenceAction.REBOOT ? MessageType.RESET : MessageType.CLEAR;
      long incarnation = disks.slot(target).map(HeartbeatSlot::incarnation).orElse(0L);
      MailboxMessage m =
          new MailboxMessage(target, type, 0, incarnation, clock.nanoTime() & Long.MAX_VALUE);
      int verified = 0;
      for (int i = 0; i < disks.devices.size(); i++) {
        if (DiskReader.deliver(disks.devices.get(i), disks.headers.get(i), m)) {
          verified++;
        }
      }
      if (verified < disks.devices.size() / 2 + 1) {
        return outcome(
            r,
            1,
            start,
            type + " read back on " + verified + " of " + disks.devices.size() + " disks only");
      }
      if (waits) {
        clock.sleep(msgwait);
      }
      return outcome(
          r,
          0,
          start,
          type
              + " delivered to node "
              + target
              + " incarnation "
              + incarnation
              + (waits ? ", waited msgwait " + msgwait.toMillis() + " ms" : ""));
    } catch (IOException | RuntimeException e) {
      return outcome(r, 1, start, e.getMessage());
    }
  }

  @Override
  public StatusReport status(AgentRequest r) throws InterruptedException {
    long start = clock.nanoTime();
    try (Disks disks = Disks.open(r)) {
      int target = disks.target(r);
      Optional<HeartbeatSlot> before = disks.slot(target);
      if (before.map(s -> s.state() == SlotState.STOPPED).orElse(false)) {
        return new StatusReport(PowerStatus.OFF, outcome(r, 2, start, "slot says STOPPED"));
      }
      clock.sleep(disks.headers.get(0).timing().interval().multipliedBy(3).dividedBy(2));
      Optional<HeartbeatSlot> after = disks.slot(target);
      boolean moving = after.isPresent() && !after.equals(before);
      // A silent slot is not proof of power off: the node may be paused, so say UNKNOWN.
      return moving
          ? new StatusReport(PowerStatus.ON, outcome(r, 0, start, "heartbeating"))
          : new StatusReport(PowerStatus.UNKNOWN, outcome(r, 1, start, "silent"));
    } catch (IOException | RuntimeException e) {
      return new StatusReport(PowerStatus.UNKNOWN, outcome(r, 1, start, e.getMessage()));
    }
  }

  @Override
  public PlugList list(AgentRequest request) {
    return new PlugList(false, List.of());
  }

  @Override
  public AgentMetadata metadata(Duration timeout) {
    return new AgentMetadata(
        NAME,
        "Poison pill through the Quorate quorum disk's mailboxes",
        List.of(
            new AgentParameter(
                "devices", true, "string", Optional.empty(), "comma-separated quorum disks"),
            new AgentParameter(
                "cluster", false, "string", Optional.empty(), "cluster the disks must belong to")),
        List.of(
            FenceAction.ON,
            FenceAction.OFF,
            FenceAction.REBOOT,
            FenceAction.STATUS,
            FenceAction.MONITOR,
            FenceAction.METADATA,
            FenceAction.VALIDATE_ALL),
        "<resource-agent name=\"" + NAME + "\"/>");
  }

  private FenceOutcome outcome(AgentRequest r, int exit, long start, String detail) {
    return new FenceOutcome(
        r.action(),
        r.device().name(),
        exit,
        false,
        Duration.ofNanos(clock.nanoTime() - start),
        detail == null ? "" : detail);
  }

  /** The disks named by a request's options, opened and validated. */
  private static final class Disks implements AutoCloseable {
    final List<BlockDevice> devices = new ArrayList<>();
    final List<DiskHeader> headers = new ArrayList<>();

    static Disks open(AgentRequest r) throws IOException {
      String list = r.device().options().get("devices");
      if (list == null) {
        throw new IllegalArgumentException(NAME + " needs option devices=<path>[,<path>...]");
      }
      String cluster = r.device().options().get("cluster");
      Disks d = new Disks();
      try {
        for (String p : list.split(",")) {
          BlockDevice dev = FileBlockDevice.open(Path.of(p.strip()), true);
          d.devices.add(dev);
          d.headers.add(DiskReader.readHeader(dev, cluster));
        }
      } catch (IOException | RuntimeException e) {
        d.close();
        throw e;
      }
      return d;
    }

    int target(AgentRequest r) {
      String plug =
          r.plug()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          NAME + " needs the target's node id as its plug"));
      int node;
      try {
        node = Integer.parseInt(plug);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("plug '" + plug + "' is not a node id");
      }
      DiskReader.checkSlot(headers.get(0), node, devices.get(0).name());
      return node;
    }

    Optional<HeartbeatSlot> slot(int node) throws IOException {
      Optional<HeartbeatSlot> best = Optional.empty();
      for (int i = 0; i < devices.size(); i++) {
        Optional<HeartbeatSlot> s =
            DiskReader.readSlot(devices.get(i), headers.get(i), node).value();
        if (s.isPresent()
            && (best.isEmpty()
                || s.get().incarnation() > best.get().incarnation()
                || (s.get().incarnation() == best.get().incarnation()
                    && s.get().sequence() > best.get().sequence()))) {
          best = s;
        }
      }
      return best;
    }

    @Override
    public void close() {
      for (BlockDevice d : devices) {
        try {
          d.close();
        } catch (IOException e) {
          // Nothing was left unwritten: every write was verified by reading back.
        }
      }
    }
  }
}
