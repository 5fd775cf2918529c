package dev.quorate.reliability;

import java.time.Duration;
import java.util.List;

/**
 * What one run does: how long the nemesis works, whether the resource checks tokens, and the timing
 * of the ensemble and the clients.
 *
 * @param duration how long faults are injected
 * @param fenced true if the resource checks tokens; false for the control run
 * @param faults the rotation the nemesis follows
 * @param session the clients' ZooKeeper session timeout
 * @param gap the quiet time after each fault
 * @param writes increments per grant
 * @param seed the nemesis's random choices
 * @param servers the ensemble's size
 * @param zookeeper the servers' ZooKeeper version (see {@link ZkServers})
 */
record RunSettings(
    Duration duration,
    boolean fenced,
    List<Fault> faults,
    Duration session,
    Duration gap,
    int writes,
    long seed,
    int servers,
    String zookeeper) {
  static final int CLIENTS = 3;
  static final int TICK_MILLIS = 500;

  String describe() {
    return String.format(
        "%s run: %d s of faults (at least one rotation) %s, %d ZooKeeper %s servers, session %d ms, gap %d ms,"
            + " %d writes per grant, seed %d",
        fenced ? "fenced" : "control",
        duration.toSeconds(),
        faults,
        servers,
        zookeeper,
        session.toMillis(),
        gap.toMillis(),
        writes,
        seed);
  }
}
