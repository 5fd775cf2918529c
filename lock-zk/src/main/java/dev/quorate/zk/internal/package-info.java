/**
 * The ZooKeeper lock manager's implementation; not API.
 *
 * <h2>The walk of one uncontended acquire</h2>
 *
 * <ol>
 *   <li>{@code LockHandle.acquire} (lock-api) asks {@link dev.quorate.zk.internal.ZkLockService}
 *       for a request with {@code callerWaits}, and waits on its future with {@code Requests}.
 *   <li>{@code ZkLockService.request} hands an EX request of a cohorting manager to the resource's
 *       {@code Cohort} (answered {@code Local}, {@code ToZooKeeper} or {@code Retired}); any other
 *       request gets a {@code ZkLease} of its own, started on the caller's thread (its {@code
 *       SerialExecutor} of steps runs the first step there).
 *   <li>{@code ZkLease.create} calls {@code ZkNodes.createQueued}: a protected ephemeral-sequential
 *       create, pipelined with the listing of the queue (leaving {@code LeaseWatch}'s queue watch)
 *       and, when the resource has one, the value block read: one round trip.
 *   <li>{@code ZkLease.evaluate} asks {@code QueueSnapshot.blockers} (a pure rule over the names
 *       listed); none block, so (after {@code RecoveryCheck} on a gated lock) it grants: the token
 *       is the node's czxid, and the future completes on the caller's thread, which wakes with the
 *       lease. A request that must wait asks {@code LeaseWatch.waitFor} to watch the nearest
 *       blocker; the watcher only posts {@code evaluate} to the lease's steps.
 *   <li>While held, {@code ZkLockService}'s connection listener tells each lease's {@code
 *       LeaseWatch}, which posts steps that ask the lease to {@code suspect}, {@code grantedAgain}
 *       or {@code lose}. A conversion is {@code ZkConversion}'s; it hands the lease its outcome
 *       ({@code convertedDown}, {@code convertedUp}).
 *   <li>{@code ZkLease.release} makes the lease RELEASED at once and sends the delete in the
 *       background ({@code ZkNodes.release}); it waits for the answer only while connected.
 * </ol>
 *
 * <p>Where the calls do not yet run one way: {@code LeaseWatch} and {@code ZkConversion} call back
 * into {@code ZkLease} (through the methods above, on the lease's steps), and {@code ZkNodes} reads
 * the session, ACLs and owner from {@code ZkLockService}.
 */
package dev.quorate.zk.internal;
