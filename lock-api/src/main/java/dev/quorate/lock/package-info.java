/**
 * Quorate's one API: lock managers, locks, leases, lock modes, fencing tokens, and the resource
 * side guard.
 *
 * <p>Start with {@link dev.quorate.lock.LockManager}: get a {@link dev.quorate.lock.Lock} for a
 * resource name, acquire a {@link dev.quorate.lock.Lease} in a {@link dev.quorate.lock.LockMode},
 * show the lease's {@link dev.quorate.lock.FencingToken} to the resource, which checks it with a
 * {@link dev.quorate.lock.TokenGuard}. Watch the lease's state: SUSPECT means stop touching the
 * resource now.
 *
 * <pre>{@code
 * try (LockManager manager = LockManager.inProcess()) {
 *   TokenGuard guard = TokenGuard.inMemory();
 *   try (Lease lease = manager.lock("volume/7").acquire(LockMode.EX)) {
 *     guard.access(lease.token(), () -> volume.write(data));
 *   }
 * }
 * }</pre>
 */
package dev.quorate.lock;
