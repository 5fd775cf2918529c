package dev.quorate.quorum.internal;

import dev.quorate.lock.Permit;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Semaphore;
import dev.quorate.lock.spi.Grants;
import dev.quorate.lock.spi.Requests;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A semaphore seen through the quorum gate: a permit is asked for only with quorum, a request that
 * waits is withdrawn when quorum is lost (as a lock request is), and a grant is a {@link
 * GatedPermit}.
 */
final class GatedSemaphore implements Semaphore {
  private final GatedLockManager gate;
  private final Semaphore inner;

  GatedSemaphore(GatedLockManager gate, Semaphore inner) {
    this.gate = gate;
    this.inner = inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public int permits() {
    return inner.permits();
  }

  @Override
  public Permit acquire() throws InterruptedException {
    return Grants.await(acquireAsync(), Permit::release);
  }

  @Override
  public Optional<Permit> tryAcquire(Duration timeout) throws InterruptedException {
    Requests.checkTimeout(timeout);
    if (!timeout.isZero()) {
      return Grants.awaitWithin(acquireAsync(), timeout, Permit::release);
    }
    gate.checkQuorum(what());
    return inner.tryAcquire(Duration.ZERO).map(gate::admit);
  }

  @Override
  public CompletableFuture<Permit> acquireAsync() {
    try {
      gate.checkQuorum(what());
    } catch (QuorateException e) {
      return CompletableFuture.failedFuture(e);
    }
    return gate.pending().track(inner.acquireAsync(), gate::admit, Permit::release);
  }

  private String what() {
    return "a permit of semaphore '" + inner.name() + "'";
  }

  @Override
  public String toString() {
    return "QuorumGate." + inner;
  }
}
