package dev.quorate.lock.spi;

import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Lock} of every lock manager: a resource name and options over the manager's
 * asynchronous {@link Requester}, with the blocking calls of {@link Requests}.
 */
public final class LockHandle implements Lock {
  /** How a lock manager asks for one grant. */
  @FunctionalInterface
  public interface Requester {
    /**
     * Asks for a grant.
     *
     * @param mode the mode, not null
     * @param timeout how long the request may wait before it fails with {@link
     *     dev.quorate.lock.LockTimeoutException}, zero for "only if free now", null for no bound
     * @param callerWaits true if the caller blocks on the answer and attaches nothing to it, so the
     *     request may run on the caller's thread
     * @return the request's future; cancelling it withdraws the request
     */
    CompletableFuture<Lease> request(LockMode mode, Duration timeout, boolean callerWaits);
  }

  private final String resource;
  private final LockOptions options;
  private final Requester requester;

  /**
   * Creates a handle.
   *
   * @param resource the resource name, already checked
   * @param options the options
   * @param requester how the manager asks for a grant
   */
  public LockHandle(String resource, LockOptions options, Requester requester) {
    this.resource = resource;
    this.options = Objects.requireNonNull(options, "options");
    this.requester = requester;
  }

  @Override
  public String resource() {
    return resource;
  }

  @Override
  public LockOptions options() {
    return options;
  }

  @Override
  public Lease acquire(LockMode mode) throws InterruptedException {
    Objects.requireNonNull(mode, "mode");
    return Requests.await(requester.request(mode, options.acquireTimeout().orElse(null), true));
  }

  @Override
  public Optional<Lease> tryAcquire(LockMode mode, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(mode, "mode");
    Requests.checkTimeout(timeout);
    return Requests.awaitWithin(requester.request(mode, timeout, true), timeout);
  }

  @Override
  public CompletableFuture<Lease> acquireAsync(LockMode mode) {
    Objects.requireNonNull(mode, "mode");
    return requester.request(mode, options.acquireTimeout().orElse(null), false);
  }

  @Override
  public String toString() {
    return "Lock[" + resource + ", " + options + "]";
  }
}
