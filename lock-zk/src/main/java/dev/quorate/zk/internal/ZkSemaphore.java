package dev.quorate.zk.internal;

import dev.quorate.lock.Permit;
import dev.quorate.lock.Semaphore;
import dev.quorate.lock.internal.Grants;
import dev.quorate.lock.internal.Requests;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A semaphore in ZooKeeper: the blocking calls over a {@link ZkPermitQueue}. */
final class ZkSemaphore implements Semaphore {
  private final ZkPermitQueue queue;

  ZkSemaphore(ZkPermitQueue queue) {
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
    return queue.claim("", false);
  }

  @Override
  public String toString() {
    return queue.toString();
  }
}
