package dev.quorate.qdisk.internal.daemon;

import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.time.Duration;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's self-fence: the configured action, then a halt with {@link SelfFence#EXIT_STATUS}
 * should the action return or throw. A daemon whose engine fenced but whose process lived on would
 * hold its vote in nobody's eyes and never be restarted or reset: every self-fence path of the
 * daemon ends in the one status the systemd unit does not restart on.
 */
final class HaltingSelfFence implements SelfFence {
  private static final Logger LOG = LoggerFactory.getLogger(HaltingSelfFence.class);

  private final SelfFence action;
  private final IntConsumer halt;

  HaltingSelfFence(SelfFence action, IntConsumer halt) {
    this.action = action;
    this.halt = halt;
  }

  @Override
  public void verify(Duration interval, Duration renewalDeadline) {
    action.verify(interval, renewalDeadline);
  }

  @Override
  public void renewed(long atNanos) {
    action.renewed(atNanos);
  }

  @Override
  public void disarm() {
    action.disarm();
  }

  @Override
  public void fence(SelfFenceReason reason, String detail) {
    try {
      action.fence(reason, detail);
    } catch (Throwable t) {
      // Said before the halt, which ends the process without another word.
      LOG.error("the self-fence action failed; halting with {}", EXIT_STATUS, t);
      throw t;
    } finally {
      halt.accept(EXIT_STATUS);
    }
  }
}
