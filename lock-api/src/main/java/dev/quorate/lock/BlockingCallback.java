package dev.quorate.lock;

/**
 * Tells a holder that someone else waits for the resource in a mode incompatible with the one it
 * holds (a DLM blocking AST). A holder that caches locks releases or converts down when called.
 * Called on a lock manager thread, in order with the lease's {@link LeaseListener} events.
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
   * Called when a request incompatible with {@code holder}'s mode starts waiting.
   *
   * @param holder the lease that blocks the request
   * @param requested the mode the waiting request asks for
   */
  void onBlocking(Lease holder, LockMode requested);
}
