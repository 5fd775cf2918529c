package dev.quorate.lock.spi;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import dev.quorate.lock.PermitListener;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * A granted permit of any manager: its token, holder and state ({@link PermitStates}). A manager
 * says what ending it means for its queue ({@link #ended}); the first end wins, once.
 */
public abstract class HeldPermit implements Permit {
  private final String semaphore;
  private final FencingToken token;
  private final String holder;
  private final Instant since;
  private final PermitStates states;

  /**
   * Starts GRANTED.
   *
   * @param semaphore the semaphore's (or election's) name
   * @param token the grant's token
   * @param holder who holds it: the candidate of an election, empty for a semaphore
   * @param since when it was granted, to the millisecond
   * @param events where listeners run
   */
  protected HeldPermit(
      String semaphore, FencingToken token, String holder, Instant since, Executor events) {
    this.semaphore = semaphore;
    this.token = token;
    this.holder = holder;
    this.since = since;
    this.states = new PermitStates(this, events);
  }

  /**
   * Describes this permit as the leadership it stands for in an election.
   *
   * @return the leader: holder, since, token
   */
  public final Leader asLeader() {
    return new Leader(holder, since, token);
  }

  /**
   * Moves GRANTED and SUSPECT to each other (a connection suspended and restored).
   *
   * @param from the state required
   * @param to the new state
   * @param cause why
   */
  protected final void move(LeaseState from, LeaseState to, String cause) {
    states.move(from, to, cause);
  }

  /**
   * Ends the permit (LOST or RELEASED) unless it has ended; then tells the manager.
   *
   * @param state LOST or RELEASED
   * @param cause why
   */
  public final void end(LeaseState state, String cause) {
    if (states.move(null, state, cause)) {
      ended();
    }
  }

  /** Called once, when the permit ends: return it to the queue. */
  protected abstract void ended();

  @Override
  public final String semaphore() {
    return semaphore;
  }

  @Override
  public final FencingToken token() {
    return token;
  }

  @Override
  public final LeaseState state() {
    return states.get();
  }

  @Override
  public final void checkValid() {
    states.checkValid(toString());
  }

  @Override
  public final void addListener(PermitListener listener) {
    states.add(listener);
  }

  @Override
  public final void removeListener(PermitListener listener) {
    states.remove(listener);
  }

  @Override
  public final void release() {
    end(LeaseState.RELEASED, "released");
  }

  @Override
  public final void close() {
    release();
  }

  @Override
  public String toString() {
    return "permit " + token + " of '" + semaphore + "'";
  }
}
