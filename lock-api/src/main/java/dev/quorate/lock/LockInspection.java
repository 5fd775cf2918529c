package dev.quorate.lock;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a lock manager knows about one resource at one moment: who holds it, who waits for it, and
 * the administrative revocations recorded on it. A snapshot for operators and tools ({@link
 * LockManager#inspect}); by the time it is read a holder may have released, so never decide access
 * from it (the {@link FencingToken} at the resource does that).
 *
 * <pre>{@code
 * LockInspection seen = manager.inspect("volume/7");
 * for (LockInspection.Holder h : seen.holders()) {
 *   System.out.println(h.member() + " holds " + h.mode() + " with token " + h.token());
 * }
 * }</pre>
 *
 * @param resource the resource name
 * @param holders the granted leases, oldest grant first
 * @param queue the requests and conversions waiting, in queue order
 * @param revocations the revocations recorded on the resource, oldest first (a bounded recent
 *     history)
 */
public record LockInspection(
    String resource, List<Holder> holders, List<Waiter> queue, List<Revocation> revocations) {
  /**
   * Checks and keeps the components.
   *
   * @param resource the resource name
   * @param holders the holders
   * @param queue the waiters
   * @param revocations the revocations
   * @throws NullPointerException if any component is null
   */
  public LockInspection {
    Objects.requireNonNull(resource, "resource");
    holders = List.copyOf(holders);
    queue = List.copyOf(queue);
    revocations = List.copyOf(revocations);
  }

  /**
   * Says whether nobody holds or waits for the resource.
   *
   * @return true if there are no holders and no waiters
   */
  public boolean isFree() {
    return holders.isEmpty() && queue.isEmpty();
  }

  /**
   * A granted lease.
   *
   * @param member who holds it: the requesting thread's name on the in-process manager, the
   *     client's identity ({@code host/pid/uuid}) on ZooKeeper
   * @param mode the granted mode
   * @param token the fencing token of the grant
   * @param since when it was granted (the in-process manager) or its lock node was created
   *     (ZooKeeper); for display, never for deadlines
   */
  public record Holder(String member, LockMode mode, FencingToken token, Instant since) {
    /**
     * Checks and keeps the components.
     *
     * @param member who holds
     * @param mode the granted mode
     * @param token the token of the grant
     * @param since when granted
     * @throws NullPointerException if any component is null
     */
    public Holder {
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(since, "since");
    }
  }

  /**
   * A request waiting in the queue: a new request, or a holder's conversion to a stronger mode.
   *
   * @param member who asks, as in {@link Holder#member()}
   * @param mode the mode asked for
   * @param since when the request was queued
   */
  public record Waiter(String member, LockMode mode, Instant since) {
    /**
     * Checks and keeps the components.
     *
     * @param member who asks
     * @param mode the mode asked for
     * @param since when queued
     * @throws NullPointerException if any component is null
     */
    public Waiter {
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(since, "since");
    }
  }
}
