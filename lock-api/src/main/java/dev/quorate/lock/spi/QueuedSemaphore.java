package dev.quorate.lock.spi;

import dev.quorate.lock.Permit;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Semaphore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A semaphore over a manager's {@link PermitQueue}: the blocking calls, alike for every manager.
 */
public final class QueuedSemaphore implements Semaphore {
  private final PermitQueue queue;

  /**
   * Creates the semaphore.
   *
   * @param queue the manager's queue for this name
   */
  public QueuedSemaphore(PermitQueue queue) {
    this.queue = queue;
  }

  @Override
  public String name() {
    return queue.name();
  }

  @Override
  public int permits() {
    return queue.permits();
  }

  @Override
  public Permit acquire() throws InterruptedException {
    return Grants.await(acquireAsync(), Permit::release);
  }

  @Override
  public Optional<Permit> tryAcquire(Duration timeout) throws InterruptedException {
    Requests.checkTimeout(timeout);
    if (timeout.isZero()) {
      return Optional.ofNullable(Grants.await(queue.claim("", true), Permit::release));
    }
    return Grants.awaitWithin(acquireAsync(), timeout, Permit::release);
  }

  @Override
  public CompletableFuture<Permit> acquireAsync() {
    try {
      return queue.claim("", false);
    } catch (QuorateException e) {
      return CompletableFuture.failedFuture(e); // closed: as the API says, through the future
    }
  }

  @Override
  public String toString() {
    return "semaphore '" + queue.name() + "' (" + queue.permits() + " permits)";
  }
}
