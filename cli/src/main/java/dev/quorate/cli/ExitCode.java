package dev.quorate.cli;

/**
 * The exit statuses of {@code quorate}, for scripts. 0, 1 and 2 are the cluster's health; the
 * others say why the command could not answer (the codes of BSD's sysexits.h where one fits).
 */
final class ExitCode {
  /** Healthy, or the command did what was asked. */
  static final int HEALTHY = 0;

  /** Quorate, but a member is down, outside the partition, or reports no quorum. */
  static final int DEGRADED = 1;

  /** No cluster shown is quorate, or nothing is published at all. */
  static final int NO_QUORUM = 2;

  /** A safety rule refused the request (confirming a member whose session lives). */
  static final int REFUSED = 3;

  /** Bad command line or configuration: an unknown option, cluster or target (EX_USAGE). */
  static final int USAGE = 64;

  /** A node holds data that is not what its place says (EX_DATAERR). */
  static final int BAD_DATA = 65;

  /**
   * The ensemble did not answer within the connect timeout, or stopped answering (EX_UNAVAILABLE).
   */
  static final int UNREACHABLE = 69;

  /** An unexpected failure of the command itself (EX_SOFTWARE). */
  static final int INTERNAL = 70;

  /** ZooKeeper refused this client: an ACL (NoAuth) or its authentication (EX_NOPERM). */
  static final int NO_PERMISSION = 77;

  private ExitCode() {}
}
