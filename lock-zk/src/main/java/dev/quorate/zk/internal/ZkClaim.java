package dev.quorate.zk.internal;

import dev.quorate.lock.Permit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * One waiting claim of a {@link ZkPermitQueue}: its request, and the signal that wakes its waiting
 * thread when the children change, the connection changes, or the request is done (cancelled or
 * failed by close).
 */
final class ZkClaim implements Watcher {
  final String label;
  final boolean onlyIfFree;
  final CompletableFuture<Permit> request = new CompletableFuture<>();
  private final Semaphore signal = new Semaphore(0);

  ZkClaim(String label, boolean onlyIfFree) {
    this.label = label;
    this.onlyIfFree = onlyIfFree;
  }

  @Override
  public void process(WatchedEvent event) {
    wake();
  }

  void wake() {
    signal.release();
  }

  /** Forgets the wake-ups that a read about to happen makes moot. */
  void drain() {
    signal.drainPermits();
  }

  /** Waits for a wake-up, at most {@code nanos}: a bound, after which the caller reads again. */
  void await(long nanos) throws InterruptedException {
    signal.tryAcquire(nanos, TimeUnit.NANOSECONDS);
  }
}
