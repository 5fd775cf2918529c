package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.ValueBlock;
import dev.quorate.lock.spi.Forwarded;
import dev.quorate.lock.spi.LeaseEvents;
import dev.quorate.lock.spi.Requests;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One local EX grant of a {@link Cohort}: the member's ZooKeeper grant lent to one thread. Its
 * state is the ZooKeeper grant's (SUSPECT and LOST arrive as they happen there) until released.
 * Converting takes the ZooKeeper grant out of the cohort; from then on this lease is that grant.
 */
final class CohortLease implements Lease {
  private final Cohort cohort;
  final Lease grant;
  private final FencingToken token;
  private final LeaseEvents events;
  private final LeaseListener forward = this::forward;
  private volatile LeaseState ended;
  private volatile boolean detached;

  /**
   * @param grant the member's ZooKeeper grant, lent to this holder
   * @param sequence the local grant's place under that grant: the token's {@code minor}
   * @param listeners listeners from the lock's options, hearing every transition from the grant on
   */
  CohortLease(Cohort cohort, Lease grant, long sequence, List<LeaseListener> listeners) {
    this.cohort = cohort;
    this.grant = grant;
    this.token = new FencingToken(grant.token().major(), sequence);
    this.events = new LeaseEvents(this, cohort.service().pool(), listeners);
    grant.addListener(forward);
  }

  private void forward(LeaseEvent event) {
    if (ended != null && !detached) {
      return;
    }
    if (event.to() == LeaseState.LOST && !detached) {
      ended = LeaseState.LOST;
    }
    events.emit(event.from(), event.to(), event.cause());
  }

  @Override
  public String resource() {
    return cohort.resource();
  }

  @Override
  public LockMode mode() {
    return detached ? grant.mode() : LockMode.EX;
  }

  @Override
  public FencingToken token() {
    FencingToken now = grant.token();
    // A conversion that made a new lock node carries that node's newer czxid.
    return detached && now.isNewerThan(token) ? now : token;
  }

  @Override
  public LeaseState state() {
    if (detached) {
      return grant.state();
    }
    LeaseState end = ended;
    return end != null ? end : grant.state();
  }

  @Override
  public void checkValid() {
    if (detached) {
      grant.checkValid();
      return;
    }
    if (ended == LeaseState.RELEASED) {
      throw new LeaseLostException(
          ErrorCode.LEASE_RELEASED,
          "lease on '" + resource() + "' (token " + token + ") was released");
    }
    grant.checkValid();
  }

  @Override
  public ValueBlock valueBlock() {
    return grant.valueBlock();
  }

  @Override
  public void setValueBlock(ValueBlock value) {
    Objects.requireNonNull(value, "value");
    checkValid();
    grant.setValueBlock(value);
  }

  @Override
  public void convert(LockMode target) throws InterruptedException {
    Requests.awaitConversion(convertAsync(target));
  }

  @Override
  public boolean tryConvert(LockMode target, Duration timeout) throws InterruptedException {
    Requests.checkTimeout(timeout);
    if (!detach()) {
      throw notHeld();
    }
    return grant.tryConvert(target, timeout);
  }

  @Override
  public CompletableFuture<Lease> convertAsync(LockMode target) {
    Objects.requireNonNull(target, "mode");
    if (!detach()) {
      return CompletableFuture.failedFuture(notHeld());
    }
    return Forwarded.completingWith(grant.convertAsync(target), this);
  }

  private boolean detach() {
    if (detached) {
      return true;
    }
    if (ended == null && cohort.detach(this)) {
      detached = true;
      return true;
    }
    return false;
  }

  private LeaseLostException notHeld() {
    LeaseState end = ended;
    if (end == LeaseState.LOST || grant.state() == LeaseState.LOST) {
      return new LeaseLostException(ErrorCode.LEASE_LOST, "lease " + this + " is lost");
    }
    return new LeaseLostException(ErrorCode.LEASE_RELEASED, "lease " + this + " was released");
  }

  @Override
  public void addListener(LeaseListener listener) {
    events.add(listener);
  }

  @Override
  public void removeListener(LeaseListener listener) {
    events.remove(listener);
  }

  @Override
  public void release() {
    if (detached) {
      grant.removeListener(forward);
      // Our listeners hear RELEASED from the grant itself, forwarded before removal is seen.
      LeaseState from = grant.state();
      grant.release();
      if (from != LeaseState.RELEASED && from != LeaseState.LOST) {
        emit(from, LeaseState.RELEASED);
      }
      return;
    }
    LeaseState from;
    synchronized (this) {
      if (ended != null) {
        return;
      }
      from = grant.state();
      ended = LeaseState.RELEASED;
    }
    grant.removeListener(forward);
    emit(from, LeaseState.RELEASED);
    cohort.released(this);
  }

  private void emit(LeaseState from, LeaseState to) {
    events.emit(from, to, "released by holder");
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "Lease[" + resource() + ", " + mode() + ", token " + token() + ", " + state() + "]";
  }
}
