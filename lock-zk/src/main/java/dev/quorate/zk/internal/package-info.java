/**
 * The ZooKeeper lock manager's implementation; not API.
 *
 * <h2>The walk of one uncontended acquire</h2>
 *
 * <ol>
 *   <li>{@code LockHandle.acquire} (lock-api) asks {@link dev.quorate.zk.internal.ZkLockService}
 *       for a request with {@code callerWaits}, and waits on its future with {@code Requests}.
 *   <li>{@code ZkLockService.request} hands an EX request of a cohorting manager to {@code
 *       Cohorts}, whose per-resource {@code Cohort} answers {@code Local}, {@code ToZooKeeper} or
 *       {@code Retired} (a cohort's own ZooKeeper grant is a {@code ZkLease} too, seen through the
 *       narrow {@code CohortGrant}); any other request gets a {@code ZkLease} of its own, started
 *       on the caller's thread (its {@code SerialExecutor} of steps runs the first step there).
 *   <li>The first step is {@code LeaseSteps}' create: {@code ZkNodes.createQueued} sends a
 *       protected ephemeral-sequential create, pipelined with {@code ZkReads}' listing of the queue
 *       (leaving {@code LeaseWatch}'s queue watch) and, when the resource has one, the value block
 *       read: one round trip, for which no thread waits. Its answer is posted to the lease's steps
 *       as the event {@code LeaseInput.Created}.
 *   <li>{@code ZkLease.apply} gives every event to {@code LeaseMachine.next}, the lease's one
 *       transition function (pure: state and event in, state and {@code LeaseEffect}s out), and has
 *       {@code LeaseSteps} carry out the effects, whose answers are applied next: {@code Created}
 *       asks for {@code ReadQueue}; the listing comes back as {@code QueueRead}, where {@code
 *       QueueSnapshot.blockers} finds nothing in the way, so the machine asks to {@code Admit}
 *       ({@code RecoveryCheck} first on a gated lock) and {@code Admitted} makes the lease GRANTED
 *       with the node's czxid as token; the {@code Grant} effect completes the future, and the
 *       caller wakes with the lease. A request that must wait gets the effect {@code WatchBlocker}:
 *       {@code LeaseWatch} watches the nearest blocker, and its watcher only posts {@code
 *       BlockerGone} to the lease's steps (list again). When the listing holds no conversion and
 *       few older nodes ({@code LeaseMachine.deletionGrants}), it watches every older node and the
 *       request's own node instead, and {@code ArmedWakeUp} posts {@code BlockerDeleted} once the
 *       last blocker is deleted with no older node changed first: the effect {@code Wake} grants
 *       the request with the listing's value block, without listing again.
 *   <li>While held, {@code ZkLockService}'s connection listener tells each lease ({@code
 *       ZkLease.connection}), which posts {@code Suspended}, {@code Reconnected} or {@code
 *       SessionLost}; {@code LeaseWatch} posts {@code NodeDeleted}. A conversion starts in {@code
 *       ZkConversion}, which posts {@code ConversionAsked}; when the machine lets it begin, {@code
 *       ZkConversion} returns its decision ({@code Converted}) for the lease to apply.
 *   <li>{@code ZkLease.release} makes the lease RELEASED at once and applies {@code Release}: the
 *       effect {@code EndHeld} has {@code LeaseEnds} send the delete (with the value block that
 *       {@code StagedValue} kept, in one transaction) in the background through {@code
 *       ZkNodes.release}, whose answer says whether the value block was written. {@code release()}
 *       returns once the step has sent the delete (the holder's next request, on the same session,
 *       is answered after it); only a release that writes a value block, or deletes a holder
 *       record, waits for ZooKeeper's answer, and only while connected.
 * </ol>
 *
 * <p>Calls run one way: {@code ZkLockService} (and {@code Cohorts}, {@code Cohort}) call {@code
 * ZkLease}; the lease calls {@code LeaseMachine} and {@code LeaseSteps}; those call {@code
 * LeaseWatch}, {@code ZkConversion} (whose queue rule is {@code ConversionRule}), {@code
 * StagedValue} and {@code LeaseEnds}, which call {@code ZkNodes} and {@code ZkReads} over the
 * manager's {@code ZkSession}. Nothing below calls up: what it read is returned, what arrives later
 * (a watch, a poll of the recovery gate) is posted to the lease's steps as an event, and the
 * manager learns that a lease is over from its {@code ended()} future. The lease's steps do use the
 * manager's shared facilities (its thread pool, {@code ManagerTimer}, closed flag and the current
 * session id), and a {@code Cohort} asks the manager for its ZooKeeper grant like any requester; it
 * keeps its waiters in {@code CohortWaiters} and its fairness bound in {@code CohortHandoffs}, both
 * used under its lock.
 */
package dev.quorate.zk.internal;
