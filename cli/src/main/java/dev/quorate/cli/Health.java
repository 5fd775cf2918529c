package dev.quorate.cli;

/** How a cluster, or everything shown, is doing; its ordinal order is from best to worst. */
enum Health {
  /** Quorate, every member connected and inside the partition. */
  HEALTHY(ExitCode.HEALTHY),
  /** Quorate, but some member is down, outside the partition or reports no quorum. */
  DEGRADED(ExitCode.DEGRADED),
  /** Not quorate, or nothing published to tell. */
  NO_QUORUM(ExitCode.NO_QUORUM);

  private final int exitCode;

  Health(int exitCode) {
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  Health worse(Health other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
