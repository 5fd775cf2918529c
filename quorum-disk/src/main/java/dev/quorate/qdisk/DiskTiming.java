package dev.quorate.qdisk;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * The timing every node of one quorum disk shares; {@code format} stores it in the disk header, so
 * all nodes run with the same numbers.
 *
 * <p>Liveness is "the sequence changed", timed on each observer's own monotonic clock: a peer is
 * DOWN after {@code tko} heartbeats without a change (and at least {@code tko x interval}). A node
 * that cannot renew its slot on a strict majority of its disks within {@code renewalDeadline}
 * fences itself. {@link #check()} refuses combinations where a node could still act after its peers
 * have declared it dead:
 *
 * <ul>
 *   <li>{@code ioTimeout < interval}: one heartbeat's I/O ends before the next one starts;
 *   <li>{@code renewalDeadline >= 2 x interval}: one lost write never fences a node;
 *   <li>{@code renewalDeadline + ioTimeout + interval <= tko x interval}: a node gives up its
 *       tenure one interval and one I/O before any peer may declare it DOWN;
 *   <li>{@code msgwait >= renewalDeadline + ioTimeout + interval}: a poison pill waits until a live
 *       victim has read it or a cut-off victim has fenced itself.
 * </ul>
 *
 * <pre>{@code
 * DiskTiming timing = DiskTiming.defaults().withInterval(Duration.ofMillis(500)).check();
 * Duration detection = timing.detectionTime(); // interval x tko
 * }</pre>
 *
 * @param interval the heartbeat period
 * @param tko heartbeats without a change before a peer is DOWN, at least 3
 * @param tkoUp consecutive changes before a peer is UP, from 1 to {@code tko}
 * @param ioTimeout the longest one heartbeat's I/O on one disk may take
 * @param renewalDeadline how long a node may go without renewing on a majority of disks
 * @param msgwait how long the poison pill waits after delivering a message
 */
public record DiskTiming(
    Duration interval,
    int tko,
    int tkoUp,
    Duration ioTimeout,
    Duration renewalDeadline,
    Duration msgwait) {

  /** The shortest interval accepted; below it scheduling jitter dominates. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(10);

  /**
   * Checks that no field is null; relations are checked by {@link #check()}.
   *
   * @param interval the heartbeat period
   * @param tko heartbeats without a change before DOWN
   * @param tkoUp changes before UP
   * @param ioTimeout the I/O bound per heartbeat and disk
   * @param renewalDeadline the self-fence deadline
   * @param msgwait the poison pill's wait
   */
  public DiskTiming {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(ioTimeout, "ioTimeout");
    Objects.requireNonNull(renewalDeadline, "renewalDeadline");
    Objects.requireNonNull(msgwait, "msgwait");
  }

  /**
   * Returns the defaults: interval 1 s, tko 5, tko_up 2, I/O timeout 800 ms, renewal deadline 3 s,
   * msgwait 5 s. Detection takes 5 s, half of qdiskd's default, with the same ordering of
   * deadlines.
   *
   * @return the default timing
   */
  public static DiskTiming defaults() {
    return new DiskTiming(
        Duration.ofSeconds(1),
        5,
        2,
        Duration.ofMillis(800),
        Duration.ofSeconds(3),
        Duration.ofSeconds(5));
  }

  /**
   * Returns this timing with another interval.
   *
   * @param newInterval the heartbeat period
   * @return a new timing, not yet checked
   */
  public DiskTiming withInterval(Duration newInterval) {
    return new DiskTiming(newInterval, tko, tkoUp, ioTimeout, renewalDeadline, msgwait);
  }

  /**
   * Returns the time after which a silent peer is declared DOWN.
   *
   * @return {@code interval x tko}
   */
  public Duration detectionTime() {
    return interval.multipliedBy(tko);
  }

  /**
   * Checks the relations listed on this type.
   *
   * @return this timing
   * @throws ConfigurationException naming the numbers of the first unsafe relation
   */
  public DiskTiming check() {
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw unsafe("interval " + ms(interval) + " is below the minimum " + ms(MIN_INTERVAL));
    }
    if (tko < 3) {
      throw unsafe("tko " + tko + " must be at least 3");
    }
    if (tkoUp < 1 || tkoUp > tko) {
      throw unsafe("tko_up " + tkoUp + " must be between 1 and tko " + tko);
    }
    if (ioTimeout.isNegative() || ioTimeout.isZero() || ioTimeout.compareTo(interval) >= 0) {
      throw unsafe(
          "io_timeout "
              + ms(ioTimeout)
              + " must be positive and below interval "
              + ms(interval)
              + ": a stalled heartbeat would overlap the next one");
    }
    if (renewalDeadline.compareTo(interval.multipliedBy(2)) < 0) {
      throw unsafe(
          "renewal_deadline "
              + ms(renewalDeadline)
              + " is below 2 x interval = "
              + ms(interval.multipliedBy(2))
              + ": a single lost write would fence the node");
    }
    Duration lastAct = renewalDeadline.plus(ioTimeout).plus(interval);
    if (lastAct.compareTo(detectionTime()) > 0) {
      throw unsafe(
          "renewal_deadline "
              + ms(renewalDeadline)
              + " + io_timeout "
              + ms(ioTimeout)
              + " + interval "
              + ms(interval)
              + " = "
              + ms(lastAct)
              + " exceeds tko x interval = "
              + ms(detectionTime())
              + ": a node could still act as master after its peers declared it DOWN;"
              + " lower renewal_deadline or raise tko");
    }
    if (msgwait.compareTo(lastAct) < 0) {
      throw unsafe(
          "msgwait "
              + ms(msgwait)
              + " is below renewal_deadline + io_timeout + interval = "
              + ms(lastAct)
              + ": a poison pill could report success before its victim is gone");
    }
    return this;
  }

  private static ConfigurationException unsafe(String message) {
    return new ConfigurationException("unsafe quorum disk timing: " + message);
  }

  private static String ms(Duration d) {
    return d.toMillis() + " ms";
  }
}
