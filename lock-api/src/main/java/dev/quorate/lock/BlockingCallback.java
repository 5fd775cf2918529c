package dev.quorate.lock;

/**
 * Tells a holder that someone else waits for the resource in a mode incompatible with the one it
 * holds (a DLM blocking AST). A holder that caches locks releases or converts down when called.
 * Called on a lock manager thread, in order with the lease's {@link LeaseListener} events.
 *
 * <p>What every manager promises: while an incompatible request waits on a holder, the holder's
 * callback is called at least once, for each waiting member at least once. A member may report
 * several requests it queues together as one: with cohorting on, {@code quorate-lock-zk} queues all
 * EX requests of one member under one lock node, so the holder hears of that member once, however
 * many of its threads wait. The in-process manager calls back once per waiting request. The
 * callback is a hint to give the resource up, never a count of waiters; waiters are granted in
 * arrival order whatever the callbacks were.
 *
 * <pre>{@code
 * LockOptions options = LockOptions.builder()
 *     .onBlocking((lease, wanted) -> cache.evict(lease))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface BlockingCallback {
  /**
   * Called when a request incompatible with {@code holder}'s mode starts waiting (see the class
   * description for how often).
   *
   * @param holder the lease that blocks the request
   * @param requested the mode the waiting request asks for
   */
  void onBlocking(Lease holder, LockMode requested);
}
