package dev.quorate.lock.spi;

import dev.quorate.lock.Leader;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import java.util.concurrent.Executor;

/**
 * A leadership held as the one permit of a seat. It ends at the permit's first state that is not
 * GRANTED, SUSPECT included, and then returns the permit: a suspended connection may be followed by
 * the session's expiry and another candidate's election, and a leader must not be leading then.
 */
final class PermitLeadership extends HeldLeadership {
  private final Permit permit;

  PermitLeadership(String election, Leader leader, Permit permit, Executor events) {
    super(election, leader, events);
    this.permit = permit;
    permit.addListener(
        event -> {
          if (event.to() != LeaseState.GRANTED) {
            end(LeaseState.LOST, "permit " + event.to() + ": " + event.cause());
          }
        });
    // Looked at after adding the listener: a change in between is seen here or heard there.
    if (permit.state() != LeaseState.GRANTED) {
      end(LeaseState.LOST, "permit " + permit.state() + " before the leadership began");
    }
  }

  @Override
  protected void look() {
    // Either way the cause starts "permit <state>"; only the listener knows the permit's own cause.
    LeaseState now = permit.state();
    if (now != LeaseState.GRANTED) {
      end(LeaseState.LOST, "permit " + now);
    }
  }

  @Override
  protected void ended() {
    permit.release();
  }
}
