package dev.quorate.lock.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import dev.quorate.lock.PermitListener;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A leadership reads its permit on every look, not only when the permit's event arrives. */
class PermitLeadershipTest {
  /** A permit whose events are never delivered: only its state says what happened. */
  private static final class SilentPermit implements Permit {
    volatile LeaseState state = LeaseState.GRANTED;

    @Override
    public String semaphore() {
      return "seat";
    }

    @Override
    public FencingToken token() {
      return FencingToken.of(7);
    }

    @Override
    public LeaseState state() {
      return state;
    }

    @Override
    public void checkValid() {}

    @Override
    public void addListener(PermitListener listener) {}

    @Override
    public void removeListener(PermitListener listener) {}

    @Override
    public void release() {
      if (!state.isFinal()) {
        state = LeaseState.RELEASED;
      }
    }

    @Override
    public void close() {
      release();
    }
  }

  @Test
  void aLeaderWhosePermitTurnedSuspectIsNoLongerLeadingBeforeTheEventArrives() {
    SilentPermit permit = new SilentPermit();
    Leader leader = new Leader("node-a", Instant.EPOCH, permit.token());
    PermitLeadership leadership = new PermitLeadership("e", leader, permit, Runnable::run);
    assertThat(leadership.isLeading()).isTrue();

    permit.state = LeaseState.SUSPECT;

    assertThat(leadership.state()).isEqualTo(LeaseState.LOST);
    assertThat(leadership.isLeading()).isFalse();
    assertThatThrownBy(leadership::checkValid).isInstanceOf(LeaseLostException.class);
  }
}
