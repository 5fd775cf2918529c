/**
 * For writers of lock managers: the plumbing every Quorate lock manager shares, so that a
 * third-party manager answers timeouts, interrupts, listeners and bad names exactly as the built-in
 * ones do (and passes the TCK for the same reasons). Applications never need this package.
 *
 * <p>A manager implements one asynchronous request and gets the rest:
 *
 * <ul>
 *   <li>{@link dev.quorate.lock.spi.LockHandle} is the {@link dev.quorate.lock.Lock} over the
 *       manager's {@link dev.quorate.lock.spi.LockHandle.Requester}; its blocking calls are {@link
 *       dev.quorate.lock.spi.Requests}, which a lease uses for its blocking conversions too.
 *   <li>{@link dev.quorate.lock.spi.LeaseEvents} delivers a lease's transitions and blocking
 *       callbacks exactly once, in order, off the emitting thread, on a {@link
 *       dev.quorate.lock.spi.SerialExecutor} over the manager's pool ({@link
 *       dev.quorate.lock.spi.DaemonThreads}).
 *   <li>{@link dev.quorate.lock.spi.LosableLease} lets a quorum gate give a lease up as lost rather
 *       than released; {@link dev.quorate.lock.spi.Forwarded} carries a cancel through a layer that
 *       completes a request's future.
 *   <li>{@link dev.quorate.lock.spi.QueuedSemaphore} is the semaphore over a manager's {@link
 *       dev.quorate.lock.spi.PermitQueue}, {@link dev.quorate.lock.spi.PermitElection} the election
 *       over its {@link dev.quorate.lock.spi.LeaderSeat}; their grants are {@link
 *       dev.quorate.lock.spi.HeldPermit}s. A won leadership is a {@link
 *       dev.quorate.lock.spi.HeldLeadership}, which ends once, at the first look or event that
 *       finds what it holds no longer GRANTED; the quorum gate's leadership is one too.
 *   <li>{@link dev.quorate.lock.spi.ResourceNames} is the one rule for resource names; {@link
 *       dev.quorate.lock.spi.ProviderSettings} reads a provider's configuration.
 * </ul>
 *
 * <pre>{@code
 * public Lock lock(String resource, LockOptions options) {
 *   ResourceNames.check(resource);
 *   return new LockHandle(resource, options,
 *       (mode, timeout, callerWaits) -> queue.request(resource, mode, timeout));
 * }
 * }</pre>
 */
package dev.quorate.lock.spi;
