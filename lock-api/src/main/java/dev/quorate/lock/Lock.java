package dev.quorate.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A handle on one named resource of a {@link LockManager}. Each acquire is a separate request and,
 * once granted, a separate {@link Lease}. A request is granted when its mode is compatible with
 * every granted lease of the resource and no incompatible request waits ahead of it, so waiters in
 * incompatible modes are served first come, first served.
 *
 * <pre>{@code
 * Lock lock = manager.lock("vm/web-1");
 * try (Lease lease = lock.acquire(LockMode.EX)) {
 *   restartVm(lease.token());
 * }
 * Optional<Lease> maybe = lock.tryAcquire(LockMode.PR, Duration.ofMillis(200));
 * }</pre>
 *
 * <p>Thread-safe and cheap; handles may be created per use.
 */
public interface Lock {
  /**
   * Returns the resource name.
   *
   * @return the name
   */
  String resource();

  /**
   * Returns this handle's options.
   *
   * @return the options
   */
  LockOptions options();

  /**
   * Waits for a grant, at most for the {@linkplain LockOptions#acquireTimeout() acquire timeout}.
   *
   * @param mode the mode to hold
   * @return the lease
   * @throws InterruptedException if interrupted while waiting; the request is withdrawn
   * @throws LockTimeoutException if the acquire timeout passed
   * @throws QuorateException with {@link ErrorCode#CLOSED} if the manager is closed, or another
   *     code if the lock service fails
   */
  Lease acquire(LockMode mode) throws InterruptedException;

  /**
   * Waits for a grant at most {@code timeout}.
   *
   * @param mode the mode to hold
   * @param timeout how long to wait; zero means grant only if no other holder or waiter stands in
   *     the way (a networked manager still makes its round trip to find out)
   * @return the lease, or empty if not granted in time (the request is withdrawn)
   * @throws InterruptedException if interrupted while waiting; the request is withdrawn
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws QuorateException with {@link ErrorCode#CLOSED} if the manager is closed, or another
   *     code if the lock service fails
   */
  Optional<Lease> tryAcquire(LockMode mode, Duration timeout) throws InterruptedException;

  /**
   * Requests a grant without blocking. The future completes with the lease, or exceptionally with
   * {@link LockTimeoutException} after the acquire timeout, or {@link QuorateException}. Cancelling
   * the future withdraws the request (a lease granted at the same moment is released). The future
   * may complete on a thread of the lock manager or of the holder that released: continuations must
   * not block (use the {@code *Async} variants for work).
   *
   * @param mode the mode to hold
   * @return a future of the lease
   */
  CompletableFuture<Lease> acquireAsync(LockMode mode);
}
