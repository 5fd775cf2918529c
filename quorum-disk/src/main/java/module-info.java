/**
 * Quorate's quorum disk ({@link dev.quorate.qdisk}): heartbeats, master election, eviction and
 * self-fencing on shared disks, as a vote source, tie-breaker and liveness source; and its
 * standalone daemon.
 *
 * @provides dev.quorate.fence.FenceAgent the poison pill, {@code fence_qdisk_pill}
 */
module dev.quorate.qdisk {
  requires transitive dev.quorate.lock;
  requires transitive dev.quorate.fence;
  requires org.slf4j;
  requires info.picocli; // the daemon's command line
  requires jdk.httpserver; // the daemon's status endpoint
  requires jdk.management; // CPU time in `measure`
  requires jdk.unsupported; // ExtendedOpenOption.DIRECT

  exports dev.quorate.qdisk;
  // The fault-injection suite reads heartbeat slots from outside the daemons, with this codec.
  exports dev.quorate.qdisk.internal to
      dev.quorate.reliability;

  // picocli reads the daemon's commands by reflection.
  opens dev.quorate.qdisk.internal.daemon to
      info.picocli;

  provides dev.quorate.fence.FenceAgent with
      dev.quorate.qdisk.internal.PoisonPillAgent;
}
