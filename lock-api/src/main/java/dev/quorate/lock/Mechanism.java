package dev.quorate.lock;

import java.util.Objects;

/**
 * Which member of the shared-resource protection family a {@link LockManager} implements, and how
 * many lock-server failures it survives.
 *
 * <pre>{@code
 * Mechanism m = manager.mechanism();
 * log.info("locking via {} ({} server failures tolerated)", m.kind(), m.toleratedFailures());
 * }</pre>
 *
 * @param kind the mechanism
 * @param toleratedFailures how many lock servers (or lock-serving members) may fail while locking
 *     goes on; 0 for a single lock manager
 * @param detail a human-readable description, for example the connect string
 */
public record Mechanism(Kind kind, int toleratedFailures, String detail) {
  /** The mechanisms of the family that grant locks. */
  public enum Kind {
    /** Single lock manager: one lock server; if it dies, locking stops. */
    SLM,
    /** Redundant lock manager: a master lock server with hot standbys; a majority must live. */
    RLM,
    /** Distributed lock manager: the lock service runs inside every cluster member. */
    DLM,
    /** Storage leases: locks kept on shared disks (delta leases and Disk Paxos); no lock server. */
    STORAGE_LEASE
  }

  /**
   * Validates the descriptor.
   *
   * @param kind the mechanism
   * @param toleratedFailures how many lock servers may fail
   * @param detail a human-readable description
   * @throws IllegalArgumentException if {@code toleratedFailures} is negative
   */
  public Mechanism {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    if (toleratedFailures < 0) {
      throw new IllegalArgumentException(
          "toleratedFailures must not be negative, got " + toleratedFailures);
    }
  }
}
