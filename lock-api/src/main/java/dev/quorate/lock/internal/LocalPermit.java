package dev.quorate.lock.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import dev.quorate.lock.PermitListener;
import java.time.Instant;
import java.util.concurrent.Executor;

/** A permit of a {@link LocalSemaphore}: GRANTED until released or the manager closes. */
final class LocalPermit implements Permit {
  private final LocalSemaphore semaphore;
  private final String label;
  private final FencingToken token;
  private final Instant since;
  private final PermitStates states;

  LocalPermit(
      LocalSemaphore semaphore, String label, FencingToken token, Instant since, Executor events) {
    this.semaphore = semaphore;
    this.label = label;
    this.token = token;
    this.since = since;
    this.states = new PermitStates(this, events);
  }

  String label() {
    return label;
  }

  Instant since() {
    return since;
  }

  @Override
  public String semaphore() {
    return semaphore.name();
  }

  @Override
  public FencingToken token() {
    return token;
  }

  @Override
  public LeaseState state() {
    return states.get();
  }

  @Override
  public void checkValid() {
    states.checkValid(toString());
  }

  @Override
  public void addListener(PermitListener listener) {
    states.add(listener);
  }

  @Override
  public void removeListener(PermitListener listener) {
    states.remove(listener);
  }

  @Override
  public void release() {
    end(LeaseState.RELEASED, "released");
  }

  void end(LeaseState state, String cause) {
    if (states.move(null, state, cause)) {
      semaphore.returned(this);
    }
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "permit " + token + " of semaphore '" + semaphore.name() + "'";
  }
}
