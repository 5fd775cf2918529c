package dev.quorate.samples.failover;

import dev.quorate.qdisk.DiskTiming;
import java.time.Duration;
import java.util.List;

/**
 * The demo's timing. Every interval is shortened so the whole tour runs in seconds; production
 * values (the libraries' defaults) are given next to each, and the demo prints them.
 */
final class DemoTiming {
  /**
   * Quorum disk: a heartbeat every 250 ms, DOWN after 12 silent beats (3 s). A host survives 2 s
   * without renewing its slot, so a loaded 2-core machine (a GC pause, a busy build) does not make
   * both hosts fence themselves.
   */
  static final DiskTiming DISK =
      new DiskTiming(
              Duration.ofMillis(250),
              12,
              2,
              Duration.ofMillis(200),
              Duration.ofMillis(2000),
              Duration.ofMillis(3000))
          .check();

  /** ZooKeeper's tick; sessions may last 2 to 20 ticks. */
  static final Duration ZK_TICK = Duration.ofMillis(250);

  /**
   * How long after a host's crash its leases are given to others: 4 s, so that a cluster manager
   * starved of CPU for a moment (software-emulated guests beside it on 2 cores) keeps its session;
   * the quorum disk's detection takes 3 s anyway.
   */
  static final Duration ZK_SESSION = Duration.ofSeconds(4);

  /** A quorum-disk heartbeat younger than this vetoes fencing its node. */
  static final Duration LIVENESS_WINDOW = Duration.ofSeconds(1);

  /** The fence delay for the host that should win a fence race (the quorum disk's first master). */
  static final Duration FENCE_DELAY = Duration.ofMillis(500);

  /** How often a guest writes a record to its disk (and a member of scenario 2 heartbeats). */
  static final Duration VM_WRITE_INTERVAL = Duration.ofMillis(100);

  /** Scenario 2's members are out of the membership after this long without a heartbeat. */
  static final Duration MEMBER_TIMEOUT = Duration.ofMillis(1500);

  private DemoTiming() {}

  /** One line per setting, with the production value it stands for. */
  static List<String> describe() {
    return List.of(
        "quorum disk: heartbeat "
            + DISK.interval().toMillis()
            + " ms, DOWN after "
            + DISK.tko()
            + " silent beats = "
            + DISK.detectionTime().toMillis()
            + " ms  (default 1 s x 5; qdiskd 1 s x 10)",
        "ZooKeeper: tick "
            + ZK_TICK.toMillis()
            + " ms, session timeout "
            + ZK_SESSION.toMillis()
            + " ms  (default 10 s)",
        "fence guard: liveness window "
            + LIVENESS_WINDOW.toMillis()
            + " ms (default 10 s); fence delay for host-a "
            + FENCE_DELAY.toMillis()
            + " ms against fence races",
        "guests write a record to their disks every " + VM_WRITE_INTERVAL.toMillis() + " ms");
  }
}
