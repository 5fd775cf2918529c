package dev.quorate.lock;

/**
 * Machine-readable reason carried by every {@link QuorateException}.
 *
 * <p>Codes are stable: cluster software may switch on them to decide whether to retry, give up, or
 * fence. New codes may be added in later versions; existing ones keep their meaning.
 */
public enum ErrorCode {
  /** A lock was not granted within the requested time. */
  LOCK_TIMEOUT,
  /** A conversion would wait forever on another conversion that waits on it. */
  CONVERSION_DEADLOCK,
  /** The lease is SUSPECT: the holder may no longer own it and must stop touching the resource. */
  LEASE_SUSPECT,
  /** The lease is LOST (expired, deleted, revoked, or its manager closed). */
  LEASE_LOST,
  /** The lease was released by its holder. */
  LEASE_RELEASED,
  /** A resource rejected a fencing token older than one it has already accepted. */
  STALE_TOKEN,
  /** The lock manager (or another component) was closed. */
  CLOSED,
  /** The local member is not in a quorate partition, so the operation is refused. */
  NO_QUORUM,
  /** A configuration value is invalid or an unsafe combination of values was given. */
  INVALID_CONFIGURATION,
  /** Stored data (a file, a disk block, a znode) is corrupt, foreign, or of an unknown version. */
  CORRUPT_DATA,
  /** An I/O operation failed or timed out. */
  IO_FAILURE,
  /** The coordination service could not be reached within the allowed time. */
  CONNECTION_LOSS,
  /** The operation was refused by a policy (for example the fence guard). */
  REFUSED,
  /** A failure that fits no other code; the message explains. */
  INTERNAL
}
