package dev.quorate.disklease;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * The timing every host of one lease area shares; {@link LeaseArea#format} stores it on the disks,
 * so all hosts run with the same numbers.
 *
 * <p>A host renews its delta lease every {@code renewalInterval}. Another host judges it dead once
 * it has read the same record for {@code hostExpiry} on its own monotonic clock (the sequence did
 * not change), never by comparing clocks. A holder whose renewals fail turns its leases SUSPECT at
 * the first failure and LOST {@code renewalDeadline} after the start of its last successful
 * renewal. {@link #check()} refuses combinations where a holder could still act after another host
 * may take its leases:
 *
 * <ul>
 *   <li>{@code ioTimeout < renewalInterval}: one renewal's I/O ends before the next one starts;
 *   <li>{@code renewalDeadline >= 2 x renewalInterval}: one lost write never loses the leases;
 *   <li>{@code renewalDeadline + ioTimeout + renewalInterval <= hostExpiry}: a holder gives its
 *       leases up one renewal and one I/O before any other host may take them.
 * </ul>
 *
 * <pre>{@code
 * LeaseTiming timing = LeaseTiming.forIoTimeout(Duration.ofSeconds(10)).check();
 * Duration takeover = timing.hostExpiry(); // 70 s, where sanlock needs 140 s
 * }</pre>
 *
 * @param ioTimeout the longest one read or write on one disk may take
 * @param renewalInterval the delta lease's renewal period
 * @param renewalDeadline how long a holder may go without renewing on a majority of disks
 * @param hostExpiry how long a host's record must stay unchanged before others take it for dead
 */
public record LeaseTiming(
    Duration ioTimeout, Duration renewalInterval, Duration renewalDeadline, Duration hostExpiry) {

  /** The shortest I/O timeout accepted; below it scheduling jitter dominates. */
  public static final Duration MIN_IO_TIMEOUT = Duration.ofMillis(10);

  /**
   * Checks that no field is null; relations are checked by {@link #check()}.
   *
   * @param ioTimeout the I/O bound
   * @param renewalInterval the renewal period
   * @param renewalDeadline the holder's deadline
   * @param hostExpiry the observers' expiry
   */
  public LeaseTiming {
    Objects.requireNonNull(ioTimeout, "ioTimeout");
    Objects.requireNonNull(renewalInterval, "renewalInterval");
    Objects.requireNonNull(renewalDeadline, "renewalDeadline");
    Objects.requireNonNull(hostExpiry, "hostExpiry");
  }

  /**
   * Returns the timing derived from one I/O timeout, as sanlock derives its own: renewal every 2 x
   * io, deadline 4 x io, expiry 7 x io. At sanlock's default of 10 s that is renewal 20 s (the same
   * I/O cost as sanlock's), deadline 40 s and expiry 70 s.
   *
   * @param ioTimeout the I/O bound
   * @return a new timing, not yet checked
   */
  public static LeaseTiming forIoTimeout(Duration ioTimeout) {
    return new LeaseTiming(
        ioTimeout, ioTimeout.multipliedBy(2), ioTimeout.multipliedBy(4), ioTimeout.multipliedBy(7));
  }

  /**
   * Returns the defaults, {@link #forIoTimeout} of 1 s: takeover after 7 s.
   *
   * @return the default timing
   */
  public static LeaseTiming defaults() {
    return forIoTimeout(Duration.ofSeconds(1));
  }

  /**
   * Returns how long a new delta lease waits between its write and its read-back: 2 x io, so that a
   * host that read the same free record and writes it too has landed its write before the check.
   *
   * @return the acquire delay
   */
  public Duration acquireDelay() {
    return ioTimeout.multipliedBy(2);
  }

  /**
   * Checks the relations listed on this type.
   *
   * @return this timing
   * @throws ConfigurationException naming the numbers of the first unsafe relation
   */
  public LeaseTiming check() {
    if (ioTimeout.compareTo(MIN_IO_TIMEOUT) < 0) {
      throw unsafe("io_timeout " + ms(ioTimeout) + " is below the minimum " + ms(MIN_IO_TIMEOUT));
    }
    if (ioTimeout.compareTo(renewalInterval) >= 0) {
      throw unsafe(
          "io_timeout "
              + ms(ioTimeout)
              + " must be below renewal_interval "
              + ms(renewalInterval)
              + ": a stalled renewal would overlap the next one");
    }
    if (renewalDeadline.compareTo(renewalInterval.multipliedBy(2)) < 0) {
      throw unsafe(
          "renewal_deadline "
              + ms(renewalDeadline)
              + " is below 2 x renewal_interval = "
              + ms(renewalInterval.multipliedBy(2))
              + ": a single lost write would lose every lease");
    }
    Duration lastAct = renewalDeadline.plus(ioTimeout).plus(renewalInterval);
    if (lastAct.compareTo(hostExpiry) > 0) {
      throw unsafe(
          "renewal_deadline "
              + ms(renewalDeadline)
              + " + io_timeout "
              + ms(ioTimeout)
              + " + renewal_interval "
              + ms(renewalInterval)
              + " = "
              + ms(lastAct)
              + " exceeds host_expiry "
              + ms(hostExpiry)
              + ": a holder could still act after others took its leases;"
              + " lower renewal_deadline or raise host_expiry");
    }
    return this;
  }

  private static ConfigurationException unsafe(String message) {
    return new ConfigurationException("unsafe lease timing: " + message);
  }

  private static String ms(Duration d) {
    return d.toMillis() + " ms";
  }
}
