/**
 * A network block device server with resource fencing: start with {@link
 * dev.quorate.nbd.NbdServer}. Each export is a plain file (a virtual machine's disk image) behind a
 * {@link dev.quorate.lock.TokenGuard}; a client opens it as {@link dev.quorate.nbd.ExportName}
 * {@code <export>@<token>} with the fencing token of its lease, a newer token revokes older
 * connections, and an older token is refused.
 *
 * <pre>{@code
 * try (Lease lease = manager.lock("vm/web-1").acquire(LockMode.EX)) {
 *   String disk = "nbd://storage:10809/" + ExportName.of("vm-web-1", lease.token());
 *   // boot the guest with -drive file=<disk>,format=raw: a stale instance's writes now fail
 * }
 * }</pre>
 */
package dev.quorate.nbd;
