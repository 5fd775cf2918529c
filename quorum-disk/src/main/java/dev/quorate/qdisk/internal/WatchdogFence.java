package dev.quorate.qdisk.internal;

import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.WatchdogDevice;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pets a Linux watchdog on every renewal. The magic close character {@code 'V'} is written only by
 * {@link #disarm()} on a clean stop: if this process dies, is paused or fences itself, the watchdog
 * stays armed and resets the machine. A pet writes {@code '1'}, never {@code 'V'}.
 */
public final class WatchdogFence implements SelfFence {
  private static final Logger LOG = LoggerFactory.getLogger(WatchdogFence.class);

  private enum State {
    IDLE,
    ARMED,
    DISARMED,
    FENCED
  }

  private final WatchdogDevice watchdog;
  private final MonotonicClock clock;
  private final IntConsumer halt;
  private FileOutputStream out;
  private State state = State.IDLE;
  private Duration timeout;

  /**
   * Uses {@code watchdog}, opened at the first renewal.
   *
   * @param watchdog the device
   * @param clock waits for the reset while fencing
   * @param halt ends the process with a status; {@code Runtime.getRuntime()::halt} outside tests
   */
  public WatchdogFence(WatchdogDevice watchdog, MonotonicClock clock, IntConsumer halt) {
    this.watchdog = watchdog;
    this.clock = clock;
    this.halt = halt;
  }

  @Override
  public synchronized void verify(Duration interval, Duration renewalDeadline) {
    timeout = WatchdogDevice.check(watchdog.readTimeout(), interval, renewalDeadline);
    LOG.info(
        "watchdog {}: timeout {} ms, within renewal deadline {} ms",
        watchdog.device(),
        timeout.toMillis(),
        renewalDeadline.toMillis());
  }

  @Override
  public synchronized void renewed(long atNanos) {
    if (state == State.DISARMED || state == State.FENCED) {
      return;
    }
    if (out == null) {
      try {
        // Append: on a real device the flag is ignored; on a stand-in file every byte stays.
        out = new FileOutputStream(watchdog.device().toFile(), true);
      } catch (IOException e) {
        // Never armed, nothing would reset a paused or hung node: running on would be a
        // self-fence that silently cannot happen. Stop now, with the one self-fence status.
        state = State.FENCED;
        LOG.error(
            "watchdog {} cannot be opened ({}): this node would run without its self-fence;"
                + " halting with {}",
            watchdog.device(),
            Problems.describe(e),
            EXIT_STATUS);
        halt.accept(EXIT_STATUS);
        return;
      }
      state = State.ARMED;
      LOG.info("watchdog {} armed", watchdog.device());
    }
    try {
      out.write('1');
      out.flush();
    } catch (IOException e) {
      // Not petting is the safe failure: the watchdog will reset the node.
      LOG.error("cannot pet watchdog {}: {}", watchdog.device(), Problems.describe(e));
    }
  }

  @Override
  public synchronized void disarm() {
    if (state != State.ARMED) {
      state = state == State.FENCED ? State.FENCED : State.DISARMED;
      return;
    }
    state = State.DISARMED;
    try {
      out.write('V');
      out.flush();
      out.close();
      LOG.info("watchdog {} disarmed (magic close)", watchdog.device());
    } catch (IOException e) {
      LOG.error(
          "watchdog {}: magic close failed ({}); it may still reset this machine",
          watchdog.device(),
          Problems.describe(e));
    }
    out = null;
  }

  @Override
  public void fence(SelfFenceReason reason, String detail) {
    Duration wait;
    boolean armed;
    synchronized (this) {
      // From here on nothing pets or disarms, and the device stays open.
      armed = state == State.ARMED;
      state = State.FENCED;
      wait = timeout == null ? Duration.ofSeconds(60) : timeout.multipliedBy(2);
    }
    if (!armed) {
      // Never opened (no renewal yet) or disarmed: no reset will come, so waiting for one would
      // leave the node running.
      LOG.error(
          "fencing this node ({}): {}; watchdog {} is not armed, halting with {}",
          reason,
          detail,
          watchdog.device(),
          EXIT_STATUS);
      halt.accept(EXIT_STATUS);
      return;
    }
    LOG.error(
        "fencing this node ({}): {}; watchdog {} no longer petted and resets the machine",
        reason,
        detail,
        watchdog.device());
    try {
      clock.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.error(
        "watchdog {} did not reset this machine within {} ms: check it with test-watchdog;"
            + " halting with {}",
        watchdog.device(),
        wait.toMillis(),
        EXIT_STATUS);
    halt.accept(EXIT_STATUS);
  }
}
