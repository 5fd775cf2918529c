package dev.quorate.lock.spi;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeadershipListener;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import java.util.concurrent.Executor;

/**
 * A leadership held as the one permit of a seat. It ends at the permit's first state that is not
 * GRANTED, SUSPECT included, and then returns the permit: a suspended connection may be followed by
 * the session's expiry and another candidate's election, and a leader must not be leading then.
 */
final class PermitLeadership implements Leadership {
  private final String election;
  private final Leader leader;
  private final Permit permit;
  private final LeadershipEnds ends;

  PermitLeadership(String election, Leader leader, Permit permit, Executor events) {
    this.election = election;
    this.leader = leader;
    this.permit = permit;
    this.ends = new LeadershipEnds(this, events);
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
  public String election() {
    return election;
  }

  @Override
  public Leader leader() {
    return leader;
  }

  @Override
  public FencingToken token() {
    return leader.epoch();
  }

  @Override
  public LeaseState state() {
    // Asked on every look: the permit's listener hears a loss later, on the event thread. Either
    // way the cause starts "permit <state>"; only the listener knows the permit's own cause.
    LeaseState now = permit.state();
    if (now != LeaseState.GRANTED) {
      end(LeaseState.LOST, "permit " + now);
    }
    return ends.state();
  }

  @Override
  public void checkValid() {
    ends.checkValid(state());
  }

  @Override
  public void addListener(LeadershipListener listener) {
    ends.add(listener);
  }

  @Override
  public void removeListener(LeadershipListener listener) {
    ends.remove(listener);
  }

  @Override
  public void resign() {
    end(LeaseState.RELEASED, "resigned");
  }

  private void end(LeaseState state, String cause) {
    if (ends.end(state, cause)) {
      permit.release();
    }
  }

  @Override
  public void close() {
    resign();
  }

  @Override
  public String toString() {
    return "leadership of "
        + leader.candidate()
        + " in election '"
        + election
        + "' (epoch "
        + leader.epoch()
        + ")";
  }
}
