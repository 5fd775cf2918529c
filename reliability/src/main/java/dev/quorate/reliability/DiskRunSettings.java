package dev.quorate.reliability;

import dev.quorate.disklease.LeaseTiming;
import java.time.Duration;
import java.util.List;

/**
 * What one disk-lease run does.
 *
 * @param duration how long faults are injected
 * @param fenced true if the resource checks tokens; false for the control run
 * @param faults the rotation the nemesis follows
 * @param disks the number of lease disks, 1 or 3
 * @param ioTimeout the lease area's I/O timeout; the rest of the timing derives from it
 * @param gap the quiet time after each fault
 * @param writes increments per grant
 * @param seed the nemesis's random choices
 */
record DiskRunSettings(
    Duration duration,
    boolean fenced,
    List<Fault> faults,
    int disks,
    Duration ioTimeout,
    Duration gap,
    int writes,
    long seed) {
  static final int HOSTS = 3;

  LeaseTiming timing() {
    return LeaseTiming.forIoTimeout(ioTimeout).check();
  }

  String describe() {
    LeaseTiming t = timing();
    return String.format(
        "%s run: %d s of faults (at least one rotation) %s, %d hosts on %d lease disk(s), io_timeout"
            + " %d ms (renewal %d ms, deadline %d ms, host_expiry %d ms), gap %d ms, %d writes per"
            + " grant, seed %d",
        fenced ? "fenced" : "control",
        duration.toSeconds(),
        faults,
        HOSTS,
        disks,
        ioTimeout.toMillis(),
        t.renewalInterval().toMillis(),
        t.renewalDeadline().toMillis(),
        t.hostExpiry().toMillis(),
        gap.toMillis(),
        writes,
        seed);
  }
}
