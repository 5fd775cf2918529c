/**
 * Quorate's quorum disk ({@link dev.quorate.qdisk}): heartbeats, master election, eviction and
 * self-fencing on shared disks, as a vote source, tie-breaker and liveness source. A library: the
 * standalone daemon, with its command line, logging binding and status endpoint, is the module
 * {@code dev.quorate.qdisk.daemon}.
 *
 * @provides dev.quorate.fence.FenceAgent the poison pill, {@code fence_qdisk_pill}
 */
module dev.quorate.qdisk {
  requires transitive dev.quorate.lock;
  requires transitive dev.quorate.fence;
  requires org.slf4j;
  // Optional: only dev.quorate.qdisk.metrics uses it (the daemon does, always).
  requires static micrometer.core;
  requires jdk.unsupported; // ExtendedOpenOption.DIRECT

  exports dev.quorate.qdisk;
  exports dev.quorate.qdisk.metrics;
  // The daemon is this library's own tool (format, dump, message read the layout directly); no
  // other module, test suites included, reads the internals.
  exports dev.quorate.qdisk.internal to
      dev.quorate.qdisk.daemon;

  provides dev.quorate.fence.FenceAgent with
      dev.quorate.qdisk.internal.PoisonPillAgent;
}
