package dev.quorate.lock.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.spi.HeldPermit;
import java.time.Instant;
import java.util.concurrent.Executor;

/** A permit of a {@link LocalSemaphore}: GRANTED until released or the manager closes. */
final class LocalPermit extends HeldPermit {
  private final LocalSemaphore semaphore;

  LocalPermit(
      LocalSemaphore semaphore, String holder, FencingToken token, Instant since, Executor events) {
    super(semaphore.name(), token, holder, since, events);
    this.semaphore = semaphore;
  }

  @Override
  protected void ended() {
    semaphore.returned(this);
  }
}
