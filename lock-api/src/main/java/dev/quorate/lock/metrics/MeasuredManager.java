package dev.quorate.lock.metrics;

import dev.quorate.lock.Election;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.Mechanism;
import dev.quorate.lock.Revocation;
import dev.quorate.lock.Semaphore;

/**
 * A lock manager that records into {@link LockMeters}; everything else (inspection, elections,
 * semaphores) is the inner manager's.
 */
final class MeasuredManager implements LockManager {
  private final LockManager inner;
  private final LockMeters meters;

  MeasuredManager(LockManager inner, LockMeters meters) {
    this.inner = inner;
    this.meters = meters;
  }

  @Override
  public Lock lock(String resource) {
    return lock(resource, LockOptions.defaults());
  }

  @Override
  public Lock lock(String resource, LockOptions options) {
    return new MeasuredLock(inner.lock(resource, options), meters);
  }

  @Override
  public LockInspection inspect(String resource) {
    return inner.inspect(resource);
  }

  @Override
  public Revocation revoke(String resource, FencingToken token, String requestedBy, String reason) {
    Revocation done = inner.revoke(resource, token, requestedBy, reason);
    meters.revoked();
    return done;
  }

  @Override
  public Election election(String name) {
    return inner.election(name);
  }

  @Override
  public Semaphore semaphore(String name, int permits) {
    return inner.semaphore(name, permits);
  }

  @Override
  public Mechanism mechanism() {
    return inner.mechanism();
  }

  @Override
  public void close() {
    inner.close();
  }

  @Override
  public String toString() {
    return "Measured[" + inner + "]";
  }
}
