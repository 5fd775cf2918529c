package dev.quorate.reliability;

import java.util.Arrays;
import java.util.List;

/** The faults the nemesis injects, one at a time. */
enum Fault {
  /** SIGKILL a follower, restart it after a while. */
  KILL_FOLLOWER,
  /** SIGKILL the leader, restart it after a while: the ensemble elects a new one meanwhile. */
  KILL_LEADER,
  /** SIGSTOP the lock holder for longer than its session timeout, then SIGCONT. */
  PAUSE_HOLDER,
  /** Stop forwarding between the holder and every server for longer than its session timeout. */
  CUT_HOLDER,
  /** End the holder's session on the server, as its expiry would. */
  EXPIRE_SESSION,
  /** Let a client's next create reach the server and drop the reply. */
  LOSE_CREATE_REPLY,
  /** SIGKILL the holder inside its critical section, then start a new client in its place. */
  KILL_HOLDER,
  /** SIGKILL a client that is not writing (waiting or acquiring), then start a new one. */
  KILL_WAITER,
  /** SIGKILL the fenced resource; it restarts from its files and its persistent guard. */
  KILL_RESOURCE,
  /**
   * Step one client's wall clock by an hour (libfaketime): its monotonic stamps must stay on the
   * harness's clock.
   */
  CLOCK_STEP,
  /** Partition: the leader and the holder on the minority side, the rest on the majority side. */
  PARTITION_LEADER,
  /** Partition: two servers do not see each other, a third (the bridge) sees both. */
  BRIDGE,
  /** Partition: every server sees only its two neighbours in a ring (needs 4 or more servers). */
  RING,
  /** Partition: one client sees a single server only. */
  CLIENT_TO_ONE_SERVER,
  /** A server's link goes down and up again several times. */
  FLAP_LINK,
  /**
   * Drop rules in the holder's namespace only: it hears no server for longer than its session, the
   * servers stay up, so the session ends by timeout alone.
   */
  ISOLATE_HOLDER,
  /** Disk leases: one of three lease disks fails every I/O for a while, for every host. */
  LOSE_DISK,
  /** Disk leases: writes to one disk land half (the rest keeps the old bytes) and fail. */
  TORN_WRITES,
  /** Disk leases: writes to one of three disks report success but never land. */
  LOST_WRITES,
  /** Disk leases: writes to one disk stall past the I/O timeout, then land late. */
  STALLED_WRITES,
  /** Disk leases: a second host starts with the host id of a live one; it must be refused. */
  DUPLICATE_HOST_ID;

  /** The faults of the ZooKeeper run ({@code bin/chaos run}). */
  static List<Fault> zookeeperFaults() {
    return Arrays.stream(values()).filter(f -> !f.diskLeaseOnly()).toList();
  }

  /** True for the faults that only the disk-lease run injects. */
  boolean diskLeaseOnly() {
    return switch (this) {
      case LOSE_DISK, TORN_WRITES, LOST_WRITES, STALLED_WRITES, DUPLICATE_HOST_ID -> true;
      default -> false;
    };
  }

  /** The faults that let a stale holder write, the only ones the control run needs. */
  boolean letsStaleHolderWrite() {
    return this == PAUSE_HOLDER
        || this == CUT_HOLDER
        || this == EXPIRE_SESSION
        || this == PARTITION_LEADER
        || this == ISOLATE_HOLDER;
  }

  /** True for the faults that need the run's own network namespaces. */
  boolean needsNamespaces() {
    return switch (this) {
      case PARTITION_LEADER, BRIDGE, RING, CLIENT_TO_ONE_SERVER, FLAP_LINK, ISOLATE_HOLDER -> true;
      default -> false;
    };
  }
}
