package dev.quorate.reliability;

import dev.quorate.lock.FencingToken;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Verifies a run offline, from the histories, the resource's log and the faults. Pure: it reads a
 * {@link RunRecord} and returns a {@link CheckResult}; nothing else.
 *
 * <p>The invariants: tokens are unique; a grant that returned before another acquire was invoked
 * has the smaller token (token order is real-time grant order); the fenced resource never accepted
 * a token lower than one it had accepted; the counter equals the writes the resource accepted,
 * every acknowledged write is among them (none lost, across resource restarts too), and every
 * accepted write was acknowledged to a client holding that token, or its outcome is in doubt
 * because the client was killed or the resource died with it in flight; a holder whose write was
 * refused as stale saw its lease turn SUSPECT or LOST; no lock node is left; every client stopped
 * cleanly; the clocks agree; and after every fault the lock was granted again within {@link
 * #LIVENESS_BOUND_NANOS}.
 */
final class Checker {
  static final long LIVENESS_BOUND_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final RunRecord run;
  private final List<String> violations = new ArrayList<>();
  private final List<Grant> grants = new ArrayList<>();
  private final List<long[]> acks = new ArrayList<>(); // {at, grantedAt}
  private final Set<String> ackKeys = new HashSet<>();
  // Grants ("client seq token") whose writes may have landed unacknowledged: the client was killed
  // or the resource died with a write in flight.
  private final Set<String> inDoubt = new HashSet<>();
  private long acknowledged;
  private long staleRefused;

  private Checker(RunRecord run) {
    this.run = run;
  }

  static CheckResult check(RunRecord run) {
    return new Checker(run).check();
  }

  private CheckResult check() {
    run.histories().forEach(this::readHistory);
    uniqueTokens();
    tokenOrderIsGrantOrder();
    long overlaps = resourceOrder();
    // -1: the run has no lock nodes (disk leases keep their locks on the lease disks).
    if (run.lockNodesLeft() == RunRecord.UNKNOWN) {
      violations.add("the run did not record the lock nodes left after shutdown");
    } else if (run.lockNodesLeft() > 0) {
      violations.add(run.lockNodesLeft() + " lock nodes left after shutdown");
    }
    for (String exit : run.exits()) {
      if (!exit.endsWith("exit 0")) {
        violations.add("client did not stop cleanly: " + exit);
      }
    }
    if (run.exits().size() != run.histories().size()) {
      violations.add(
          "exits recorded for "
              + run.exits().size()
              + " of "
              + run.histories().size()
              + " clients");
    }
    for (String clock : run.clocks()) {
      if (!ClockCheck.consistent(clock)) {
        violations.add("a client's clock is not the harness's: " + clock);
      }
    }
    Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    Map<Fault, Integer> noEffect = new EnumMap<>(Fault.class);
    Map<Fault, List<Long>> recovery = new EnumMap<>(Fault.class);
    recover(faults, noEffect, recovery);
    return new CheckResult(
        run.fenced(),
        grants.size(),
        acknowledged,
        staleRefused,
        overlaps,
        faults,
        noEffect,
        recovery,
        List.copyOf(violations));
  }

  private void readHistory(String client, List<String> lines) {
    Map<Long, Long> invoked = new HashMap<>();
    Map<Long, Grant> granted = new HashMap<>();
    Grant last = null;
    for (String line : lines) {
      String[] f = line.split(" ");
      try {
        long at = Long.parseLong(f[1]);
        switch (f[0]) {
          case "invoke" -> invoked.put(Long.parseLong(f[2]), at);
          case "grant" -> {
            long seq = Long.parseLong(f[2]);
            Long inv = invoked.get(seq);
            if (inv == null) {
              violations.add(client + ": grant without invoke: " + line);
              continue;
            }
            Grant g = new Grant(client, seq, inv, at, FencingToken.parse(f[3]));
            grants.add(g);
            granted.put(seq, g);
            last = g;
          }
          case "ack" -> {
            long seq = Long.parseLong(f[2]);
            Grant g = granted.get(seq);
            if (g == null || !g.token().equals(FencingToken.parse(f[3]))) {
              violations.add(
                  client + ": acknowledged write with a token it was not granted: " + line);
              continue;
            }
            acknowledged++;
            acks.add(new long[] {at, g.grantedAt()});
            ackKeys.add(client + " " + seq + " " + f[3] + " " + f[4]);
          }
          case "stale" -> staleRefused++;
          case "unknown" -> inDoubt.add(client + " " + f[2] + " " + f[3]);
          case "killed" -> {
            if (last != null) {
              inDoubt.add(client + " " + last.seq() + " " + last.token());
            }
          }
          case "unreported" ->
              violations.add(
                  client
                      + ": the resource refused a stale write but the lease never reported SUSPECT"
                      + " or LOST: "
                      + line);
          case "start",
              "end",
              "release",
              "lost",
              "fail",
              "state",
              "reported",
              "self-fence",
              "open-failed",
              "rejoin" -> {
            // context only
          }
          default -> violations.add(client + ": unknown history line: " + line);
        }
      } catch (RuntimeException e) {
        violations.add(client + ": unreadable history line '" + line + "': " + e.getMessage());
      }
    }
  }

  private void uniqueTokens() {
    Map<FencingToken, Grant> seen = new HashMap<>();
    for (Grant g : grants) {
      Grant before = seen.putIfAbsent(g.token(), g);
      if (before != null) {
        violations.add("token " + g.token() + " granted twice: " + before + " and " + g);
      }
    }
  }

  /**
   * If grant A returned before acquire B was invoked, A's token must be smaller. Sweeps B in
   * invocation order while adding grants in return order, keeping the largest token returned so
   * far.
   */
  private void tokenOrderIsGrantOrder() {
    List<Grant> byGranted = new ArrayList<>(grants);
    byGranted.sort(Comparator.comparingLong(Grant::grantedAt));
    List<Grant> byInvoked = new ArrayList<>(grants);
    byInvoked.sort(Comparator.comparingLong(Grant::invokedAt));
    Grant max = null;
    int i = 0;
    for (Grant b : byInvoked) {
      while (i < byGranted.size() && byGranted.get(i).grantedAt() < b.invokedAt()) {
        Grant a = byGranted.get(i++);
        if (max == null || a.token().compareTo(max.token()) > 0) {
          max = a;
        }
      }
      if (max != null && max.token().compareTo(b.token()) >= 0) {
        violations.add(
            "token order is not grant order: "
                + max
                + " returned before "
                + b
                + " was invoked, but its token is not smaller");
      }
    }
  }

  /** Checks the resource's log; returns how many writes landed behind a newer token. */
  private long resourceOrder() {
    FencingToken highest = null;
    long overlaps = 0;
    long accepted = 0;
    Set<String> acceptedKeys = new HashSet<>();
    Set<String> grantKeys = new HashSet<>();
    for (Grant g : grants) {
      grantKeys.add(g.client() + " " + g.seq() + " " + g.token());
    }
    for (String line : run.resourceLog()) {
      String[] f = line.split(" ");
      if (!f[0].equals("accept")) {
        continue;
      }
      accepted++;
      FencingToken token = FencingToken.parse(f[4]);
      if (!grantKeys.contains(f[2] + " " + f[3] + " " + f[4])) {
        violations.add("resource accepted a write no grant explains: " + line);
      }
      String key = f[2] + " " + f[3] + " " + f[4] + " " + f[5];
      acceptedKeys.add(key);
      if (!ackKeys.contains(key) && !inDoubt.contains(f[2] + " " + f[3] + " " + f[4])) {
        violations.add("resource accepted a write its client never saw acknowledged: " + line);
      }
      if (highest != null && token.compareTo(highest) < 0) {
        overlaps++;
        if (run.fenced()) {
          violations.add("resource accepted " + token + " after " + highest + ": " + line);
        }
      } else {
        highest = token;
      }
    }
    for (String ack : ackKeys) {
      if (!acceptedKeys.contains(ack)) {
        violations.add("acknowledged increment lost (not in the resource's log): " + ack);
      }
    }
    if (accepted != run.counter()) {
      violations.add(
          "counter is "
              + run.counter()
              + " but the resource logged "
              + accepted
              + " accepted writes");
    }
    return overlaps;
  }

  private void recover(
      Map<Fault, Integer> faults, Map<Fault, Integer> noEffect, Map<Fault, List<Long>> recovery) {
    acks.sort(Comparator.comparingLong(a -> a[0]));
    long lastEvent = acks.isEmpty() ? Long.MIN_VALUE : acks.get(acks.size() - 1)[0];
    for (FaultRecord fault : run.faults()) {
      faults.merge(fault.type(), 1, Integer::sum);
      if (!fault.fired()) {
        noEffect.merge(fault.type(), 1, Integer::sum);
        continue;
      }
      Long next = null;
      for (long[] ack : acks) {
        // The first write of a grant made after the fault: the lock works again.
        if (ack[1] > fault.start()) {
          next = ack[0];
          break;
        }
      }
      if (next != null && next - fault.start() <= LIVENESS_BOUND_NANOS) {
        recovery
            .computeIfAbsent(fault.type(), t -> new ArrayList<>())
            .add(TimeUnit.NANOSECONDS.toMillis(next - fault.start()));
      } else if (next != null || lastEvent - fault.start() > LIVENESS_BOUND_NANOS) {
        violations.add("no grant within 60 s after " + fault.line());
      }
    }
  }
}
