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
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SBD-style poison pill as a fence agent ({@code fence_qdisk_pill}): OFF writes OFF, REBOOT writes
 * RESET, ON writes CLEAR into the target's mailbox on every disk and reads each back (a strict
 * majority must read back). OFF and REBOOT then watch the target's slot: they succeed once the slot
 * says STOPPED, or once it has been silent for msgwait counted from the read-back or from the last
 * change seen after it, whichever is later. A live target reads the pill at its next heartbeat and
 * stops writing; a cut-off or paused one has passed its renewal deadline by then ({@code msgwait >=
 * renewal_deadline + io_timeout + interval}, checked at format), and a paused one fences itself on
 * resuming before it writes again. A slot that still advances when the call's timeout runs out
 * fails the call: the target did not obey.
 *
 * <p>{@link #status} reports OFF only when that is proven: the slot says STOPPED, or this agent
 * delivered a pill to the target's incarnation and the slot has not changed for at least msgwait
 * since that pill was read back. A slot that advances is ON; any other silence is UNKNOWN (a node
 * silent for a moment, with no pill, may be merely slow). Options: {@code devices} (comma-separated
 * paths) and optionally {@code cluster}; the plug is the target's node id.
 */
public final class PoisonPillAgent implements FenceAgent {
  /** The agent name devices refer to. */
  public static final String NAME = "fence_qdisk_pill";

  /**
   * What this agent last saw of a target after delivering it a pill.
   *
   * @param slot the slot as last seen
   * @param changedAt when a change of the slot was last seen, at first when the pill was read back,
   *     on this agent's monotonic clock
   * @param msgwait the disk's msgwait
   */
  private record Delivery(Optional<HeartbeatSlot> slot, long changedAt, Duration msgwait) {
    Delivery seen(Optional<HeartbeatSlot> now, long at) {
      return now.equals(slot) ? this : new Delivery(now, at, msgwait);
    }

    long silentNanos(long now) {
      return now - changedAt;
    }

    boolean stopped() {
      return slot.map(s -> s.state() == SlotState.STOPPED).orElse(false);
    }

    boolean off(long now) {
      return stopped() || silentNanos(now) >= msgwait.toNanos();
    }
  }

  private final MonotonicClock clock;
  private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();

  /** The agent on the system clock; the constructor {@link java.util.ServiceLoader} uses. */
  public PoisonPillAgent() {
    this(MonotonicClock.system());
  }

  PoisonPillAgent(MonotonicClock clock) {
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
      String key = key(r, target);
      DiskHeader h0 = disks.headers.get(0);
      Duration msgwait = h0.timing().msgwait();
      Duration interval = h0.timing().interval();
      boolean waits = a != FenceAction.ON;
      if (waits && msgwait.plus(interval.multipliedBy(2)).compareTo(r.timeout()) >= 0) {
        return outcome(
            r,
            1,
            start,
            "msgwait "
                + msgwait.toMillis()
                + " ms does not fit in the"
                + " call's timeout "
                + r.timeout().toMillis()
                + " ms (with two intervals, "
                + interval.multipliedBy(2).toMillis()
                + " ms, to see the slot stop); nothing was written");
      }
      MessageType type =
          a == FenceAction.OFF
              ? MessageType.OFF
              : a == FenceAction.REBOOT ? MessageType.RESET : MessageType.CLEAR;
      long incarnation = disks.slot(target).map(HeartbeatSlot::incarnation).orElse(0L);
      MailboxMessage m =
          new MailboxMessage(target, type, 0, incarnation, clock.nanoTime() & Long.MAX_VALUE);
      deliveries.remove(key);
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
      String delivered = type + " delivered to node " + target + " incarnation " + incarnation;
      if (!waits) {
        return outcome(r, 0, start, delivered);
      }
      long readBack = clock.nanoTime();
      Delivery d = new Delivery(disks.slot(target), readBack, msgwait);
      deliveries.put(key, d);
      long end = start + r.timeout().toNanos() - interval.toNanos();
      while (!d.off(clock.nanoTime())) {
        long now = clock.nanoTime();
        long untilOff = msgwait.toNanos() - d.silentNanos(now);
        if (now + Math.min(untilOff, interval.toNanos()) > end) {
          return outcome(
              r,
              1,
              start,
              delivered
                  + " but its slot still advances ("
                  + d.slot().map(PoisonPillAgent::describe).orElse("none")
                  + ", changed "
                  + d.silentNanos(now) / 1_000_000
                  + " ms ago) as the call's timeout runs out: not off");
        }
        clock.sleep(Duration.ofNanos(Math.min(untilOff, interval.toNanos())));
        d = d.seen(disks.slot(target), clock.nanoTime());
        deliveries.put(key, d);
      }
      return outcome(
          r,
          0,
          start,
          delivered
              + (d.stopped()
                  ? "; slot says STOPPED"
                  : "; slot silent for "
                      + d.silentNanos(clock.nanoTime()) / 1_000_000
                      + " ms (msgwait "
                      + msgwait.toMillis()
                      + " ms)"));
    } catch (IOException | RuntimeException e) {
      return outcome(r, 1, start, e.getMessage());
    }
  }

  @Override
  public StatusReport status(AgentRequest r) throws InterruptedException {
    long start = clock.nanoTime();
    try (Disks disks = Disks.open(r)) {
      int target = disks.target(r);
      String key = key(r, target);
      Optional<HeartbeatSlot> before = disks.slot(target);
      if (before.map(s -> s.state() == SlotState.STOPPED).orElse(false)) {
        return new StatusReport(PowerStatus.OFF, outcome(r, 2, start, "slot says STOPPED"));
      }
      Delivery d = deliveries.get(key);
      if (d != null) {
        long now = clock.nanoTime();
        Delivery seen = d.seen(before, now);
        deliveries.put(key, seen);
        if (seen != d) {
          return new StatusReport(
              PowerStatus.ON,
              outcome(
                  r,
                  0,
                  start,
                  "heartbeating after the pill: "
                      + before.map(PoisonPillAgent::describe).orElse("no slot")));
        }
        long silent = seen.silentNanos(now) / 1_000_000;
        if (seen.off(now)) {
          return new StatusReport(
              PowerStatus.OFF,
              outcome(
                  r,
                  2,
                  start,
                  "slot unchanged for "
                      + silent
                      + " ms after the pill was read back (msgwait "
                      + seen.msgwait().toMillis()
                      + " ms)"));
        }
        return new StatusReport(
            PowerStatus.UNKNOWN,
            outcome(
                r,
                1,
                start,
                "silent for "
                    + silent
                    + " ms of msgwait "
                    + seen.msgwait().toMillis()
                    + " ms since the pill"));
      }
      clock.sleep(disks.headers.get(0).timing().interval().multipliedBy(3).dividedBy(2));
      Optional<HeartbeatSlot> after = disks.slot(target);
      boolean moving = after.isPresent() && !after.equals(before);
      // Without a pill, a silent slot is not proof of power off: the node may be slow, so UNKNOWN.
      return moving
          ? new StatusReport(PowerStatus.ON, outcome(r, 0, start, "heartbeating"))
          : new StatusReport(
              PowerStatus.UNKNOWN, outcome(r, 1, start, "silent, but no pill delivered by us"));
    } catch (IOException | RuntimeException e) {
      return new StatusReport(PowerStatus.UNKNOWN, outcome(r, 1, start, e.getMessage()));
    }
  }

  /** One target as one device sees it: the same disks through another device are another key. */
  private static String key(AgentRequest r, int target) {
    return r.device().name() + "|" + r.device().options().get("devices") + "|" + target;
  }

  private static String describe(HeartbeatSlot s) {
    return "incarnation " + s.incarnation() + " sequence " + s.sequence() + " " + s.state();
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
