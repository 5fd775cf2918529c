package dev.quorate.reliability;

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
  LOSE_CREATE_REPLY;

  /** The faults that let a stale holder write, the only ones the control run needs. */
  boolean letsStaleHolderWrite() {
    return this == PAUSE_HOLDER || this == CUT_HOLDER || this == EXPIRE_SESSION;
  }
}
