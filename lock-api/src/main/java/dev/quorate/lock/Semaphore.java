package dev.quorate.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A counting semaphore shared by every member of a lock space: at most {@link #permits()} holders
 * at once, each with a {@link Permit} that carries its own {@link FencingToken}.
 *
 * <p>Use it where a resource takes a bounded number of users, such as a host that can start only so
 * many standby VMs at once. Every permit fails as a {@link Lease} does: it becomes {@link
 * LeaseState#SUSPECT} when the connection to the lock service is suspended and {@link
 * LeaseState#LOST} when the session ends, and its holder must stop at SUSPECT. Tokens are unique
 * per grant and increase in grant order within one semaphore, so a resource that admits at most N
 * users can keep the N newest tokens and turn away older ones.
 *
 * <pre>{@code
 * Semaphore starts = manager.semaphore("host-3/vm-starts", 2);
 * try (Permit permit = starts.acquire()) {
 *   permit.checkValid();
 *   hypervisor.start(vm, permit.token());
 * }
 * }</pre>
 *
 * <p>Waiters are granted in the order they asked (FIFO). All members must name the same number of
 * permits for one semaphore; a manager that can tell refuses a different number with {@link
 * ConfigurationException}. Thread-safe.
 */
public interface Semaphore {
  /**
   * Returns the semaphore's name.
   *
   * @return the name
   */
  String name();

  /**
   * Returns how many holders the semaphore admits at once.
   *
   * @return the number of permits, at least 1
   */
  int permits();

  /**
   * Waits as long as it takes for a permit.
   *
   * @return the permit, GRANTED
   * @throws InterruptedException if interrupted while waiting; the request is withdrawn
   * @throws QuorateException with {@link ErrorCode#CLOSED} if the manager is closed, or {@link
   *     ErrorCode#CONNECTION_LOSS} if the lock service cannot be reached
   */
  Permit acquire() throws InterruptedException;

  /**
   * Waits at most {@code timeout} for a permit.
   *
   * @param timeout how long to wait; zero means take a permit only if one is free now
   * @return the permit, or empty if the timeout passed (the request is withdrawn)
   * @throws InterruptedException if interrupted while waiting; the request is withdrawn
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws QuorateException with {@link ErrorCode#CLOSED} if the manager is closed
   */
  Optional<Permit> tryAcquire(Duration timeout) throws InterruptedException;

  /**
   * Asks for a permit without waiting. Cancelling the future withdraws the request; a permit
   * granted at the same moment is returned to the semaphore.
   *
   * @return a future completed with the permit, or exceptionally with {@link QuorateException}
   */
  CompletableFuture<Permit> acquireAsync();
}
