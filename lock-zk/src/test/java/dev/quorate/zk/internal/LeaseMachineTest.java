package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.ValueBlock;
import dev.quorate.zk.internal.LeaseMachine.Step;
import dev.quorate.zk.internal.LeaseStatus.Phase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lease's transition function, without ZooKeeper: each row a rule the lease relies on. */
@Timeout(10)
class LeaseMachineTest {
  private static final String CONTAINER = "/locks/r";
  private static final LeaseMachine.Rules WAITS = new LeaseMachine.Rules("r", false, false);
  private static final LeaseMachine.Rules TRY_ONCE = new LeaseMachine.Rules("r", true, false);
  private static final long SESSION = 7;

  private static ZkNodes.Created node(String prefix, long seq) {
    String name = prefix + String.format("%010d", seq);
    return new ZkNodes.Created(CONTAINER + "/" + name, 100 + seq, SESSION);
  }

  private static final ZkNodes.Created MINE = node(LockNode.requestPrefix(LockMode.EX), 2);
  private static final ZkNodes.Created OTHER = node(LockNode.requestPrefix(LockMode.EX), 1);
  private static final ZkReads.Value VALUE = new ZkReads.Value(ValueBlock.empty(), 3, 5);

  private static Step next(LeaseMachine.Rules rules, LeaseStatus s, LeaseInput event) {
    return LeaseMachine.next(rules, s, event);
  }

  private static LeaseStatus waiting() {
    return next(WAITS, LeaseStatus.requesting(LockMode.EX), new LeaseInput.Created(MINE, null))
        .state();
  }

  private static LeaseStatus granted() {
    return next(WAITS, waiting(), new LeaseInput.Admitted(VALUE, true)).state();
  }

  private static QueueSnapshot queue(ZkNodes.Created... nodes) {
    return new QueueSnapshot(List.of(nodes).stream().map(ZkNodes.Created::name).toList());
  }

  @Test
  void anUncontendedRequestIsAdmittedAndGrantedWithItsNodesCzxidAsToken() {
    Step read = next(WAITS, waiting(), new LeaseInput.QueueRead(queue(MINE), null, MINE));
    assertThat(read.effects()).singleElement().isInstanceOf(LeaseEffect.Admit.class);

    Step grant = next(WAITS, waiting(), new LeaseInput.Admitted(VALUE, false));
    assertThat(grant.state().phase()).isEqualTo(Phase.GRANTED);
    assertThat(grant.state().token()).isEqualTo(MINE.czxid());
    assertThat(grant.effects())
        .containsExactly(
            new LeaseEffect.WatchOwnNode(true),
            new LeaseEffect.Grant(),
            new LeaseEffect.NotifyWaiters(true));
  }

  @Test
  void aBlockedRequestWatchesTheNearestBlockerOrFailsIfItMayNotWait() {
    QueueSnapshot blocked = queue(OTHER, MINE);
    Step waits = next(WAITS, waiting(), new LeaseInput.QueueRead(blocked, null, MINE));
    LockNode other = blocked.find(OTHER.name()).orElseThrow();
    assertThat(waits.effects())
        .containsExactly(new LeaseEffect.WatchBlocker(List.of(other), List.of(other), null));

    LeaseStatus tryOnce =
        next(TRY_ONCE, LeaseStatus.requesting(LockMode.EX), new LeaseInput.Created(MINE, null))
            .state();
    Step fails = next(TRY_ONCE, tryOnce, new LeaseInput.QueueRead(blocked, null, MINE));
    assertThat(fails.state().phase()).isEqualTo(Phase.WITHDRAWN);
    assertThat(fails.effects().get(0))
        .isInstanceOfSatisfying(
            LeaseEffect.FailRequest.class,
            f -> assertThat(f.failure()).isInstanceOf(LockTimeoutException.class));
    assertThat(fails.effects().subList(1, 3))
        .containsExactly(new LeaseEffect.DeleteRequest(MINE), new LeaseEffect.Forget());
  }

  @Test
  void aWaitingRequestWhoseNodeVanishedOrWhoseSessionEndedQueuesAgain() {
    Step vanished = next(WAITS, waiting(), new LeaseInput.QueueRead(queue(OTHER), null, MINE));
    assertThat(vanished.state().phase()).isEqualTo(Phase.CREATING);
    assertThat(vanished.effects()).containsExactly(new LeaseEffect.Create(MINE));

    Step newSession = next(WAITS, waiting(), new LeaseInput.Reconnected(SESSION + 1));
    assertThat(newSession.effects()).containsExactly(new LeaseEffect.Create(MINE));
    Step sameSession = next(WAITS, waiting(), new LeaseInput.Reconnected(SESSION));
    assertThat(sameSession.effects()).containsExactly(new LeaseEffect.ReadQueue(null));
  }

  @Test
  void aListingSentForANodeTheRequestNoLongerWaitsOnIsDropped() {
    // Waiting on MINE, the lease lists the queue; before the answer comes its node vanishes, a
    // pipelined listing queues it again, and it now waits on AGAIN behind OTHER.
    Step vanished = next(WAITS, waiting(), new LeaseInput.QueueRead(queue(OTHER), null, MINE));
    ZkNodes.Created again = node(LockNode.requestPrefix(LockMode.EX), 3);
    LeaseStatus requeued =
        next(WAITS, vanished.state(), new LeaseInput.Created(again, null)).state();
    assertThat(requeued.node()).isEqualTo(again);

    // The first listing, sent for MINE, answers now: it lacks AGAIN but must not queue it again.
    Step late = next(WAITS, requeued, new LeaseInput.QueueRead(queue(OTHER), null, MINE));
    assertThat(late.state()).isEqualTo(requeued);
    assertThat(late.effects()).isEmpty();

    Step current =
        next(WAITS, requeued, new LeaseInput.QueueRead(queue(OTHER, again), null, again));
    assertThat(current.effects()).singleElement().isInstanceOf(LeaseEffect.WatchBlocker.class);
  }

  @Test
  void aNodeCreatedAfterTheRequestWasWithdrawnIsDeleted() {
    LeaseStatus withdrawn =
        next(WAITS, LeaseStatus.requesting(LockMode.EX), new LeaseInput.Withdraw(null)).state();
    assertThat(withdrawn.phase()).isEqualTo(Phase.WITHDRAWN);
    Step late = next(WAITS, withdrawn, new LeaseInput.Created(MINE, null));
    assertThat(late.effects()).containsExactly(new LeaseEffect.DeleteRequest(MINE));
  }

  @Test
  void itsOwnNodeDeletedMakesAHeldLeaseLostOnceAnotherNodeDoesNot() {
    Step lost = next(WAITS, granted(), new LeaseInput.NodeDeleted(MINE.path()));
    assertThat(lost.state().phase()).isEqualTo(Phase.LOST);
    assertThat(lost.effects())
        .contains(new LeaseEffect.EndHeld(LeaseEffect.End.LOST, MINE), new LeaseEffect.Forget())
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        LeaseEffect.Emit.class,
                        emit -> {
                          assertThat(emit.from()).isEqualTo(LeaseState.GRANTED);
                          assertThat(emit.to()).isEqualTo(LeaseState.LOST);
                        }));
    assertThat(next(WAITS, lost.state(), new LeaseInput.NodeDeleted(MINE.path())).effects())
        .isEmpty();
    assertThat(next(WAITS, granted(), new LeaseInput.NodeDeleted(OTHER.path())).effects())
        .isEmpty();
  }

  @Test
  void aLossFoundAfterTheHolderAskedToReleaseIsItsRelease() {
    LeaseStatus releasing = granted().withReleaseAsked();
    Step step = next(WAITS, releasing, new LeaseInput.SessionLost());
    assertThat(step.state().phase()).isEqualTo(Phase.RELEASED);
    assertThat(step.effects())
        .contains(
            new LeaseEffect.Emit(LeaseState.GRANTED, LeaseState.RELEASED, "released by holder"),
            new LeaseEffect.EndHeld(LeaseEffect.End.RELEASED, MINE));
  }

  @Test
  void suspendedThenBackWithinTheSessionAndTheNodeThereIsGrantedAgain() {
    Step suspect = next(WAITS, granted(), new LeaseInput.Suspended());
    assertThat(suspect.state().holderView()).isEqualTo(LeaseState.SUSPECT);
    Step back = next(WAITS, suspect.state(), new LeaseInput.Reconnected(SESSION));
    assertThat(back.effects()).containsExactly(new LeaseEffect.CheckOwnNode());
    Step checked = next(WAITS, suspect.state(), new LeaseInput.NodeChecked(true));
    assertThat(checked.state().phase()).isEqualTo(Phase.GRANTED);
    assertThat(checked.effects().get(0))
        .isEqualTo(
            new LeaseEffect.Emit(
                LeaseState.SUSPECT, LeaseState.GRANTED, "reconnected within the session"));

    Step gone = next(WAITS, suspect.state(), new LeaseInput.NodeChecked(false));
    assertThat(gone.state().phase()).isEqualTo(Phase.LOST);
    Step expired = next(WAITS, suspect.state(), new LeaseInput.Reconnected(SESSION + 1));
    assertThat(expired.state().phase()).isEqualTo(Phase.LOST);
    assertThat(expired.effects())
        .contains(
            new LeaseEffect.Emit(LeaseState.SUSPECT, LeaseState.LOST, "ZooKeeper session expired"));
  }

  @Test
  void closeFailsAWaitingRequestAndLosesAHeldLease() {
    Step waiting = next(WAITS, waiting(), new LeaseInput.Close());
    assertThat(waiting.effects().get(0))
        .isInstanceOfSatisfying(
            LeaseEffect.FailRequest.class,
            f -> assertThat(f.failure().code()).isEqualTo(ErrorCode.CLOSED));
    Step held = next(WAITS, granted(), new LeaseInput.Close());
    assertThat(held.state().phase()).isEqualTo(Phase.LOST);
    assertThat(held.effects()).contains(new LeaseEffect.EndHeld(LeaseEffect.End.CLOSED, MINE));
  }

  @Test
  void abandonLosesTheLeaseKeepingWhatTheRecoveryGateNeeds() {
    Step step = next(WAITS, granted(), new LeaseInput.Abandon("quorum lost"));
    assertThat(step.state().phase()).isEqualTo(Phase.LOST);
    assertThat(step.effects())
        .contains(
            new LeaseEffect.Emit(LeaseState.GRANTED, LeaseState.LOST, "quorum lost"),
            new LeaseEffect.EndHeld(LeaseEffect.End.ABANDONED, MINE));
  }

  @Test
  void aConversionIsRefusedUnlessGrantedAndAppliedUpWithANewTokenDownWithTheOldOne() {
    ZkConversion.Outcome outcome = new ZkConversion.Outcome();
    LeaseStatus suspect = next(WAITS, granted(), new LeaseInput.Suspended()).state();
    assertThat(
            next(WAITS, suspect, new LeaseInput.ConversionAsked(LockMode.PR, false, outcome))
                .effects())
        .containsExactly(new LeaseEffect.RefuseConversion(outcome));

    ZkNodes.Created up = node(LockNode.conversionPrefix(LockMode.EX, 2), 9);
    LeaseStatus pr = new LeaseStatus(Phase.GRANTED, MINE, LockMode.PR, MINE.czxid(), VALUE, false);
    Step converted = next(WAITS, pr, new LeaseInput.Converted(up, LockMode.EX, VALUE, outcome));
    assertThat(converted.state().token()).isEqualTo(up.czxid());
    assertThat(converted.state().mode()).isEqualTo(LockMode.EX);
    assertThat(converted.effects()).contains(new LeaseEffect.RetireNode(MINE, false));

    ZkNodes.Created down = node(LockNode.conversionPrefix(LockMode.PR, 2), 10);
    Step downStep =
        next(WAITS, granted(), new LeaseInput.Converted(down, LockMode.PR, null, outcome));
    assertThat(downStep.state().token()).isEqualTo(MINE.czxid());
    assertThat(downStep.state().node()).isEqualTo(down);
    assertThat(downStep.effects()).contains(new LeaseEffect.RetireNode(MINE, true));
  }

  @Test
  void aFailedReadEndsTheRequestUnlessItIsConnectionTroubleForARequestThatWaits() {
    QuorateException loss = new QuorateException(ErrorCode.CONNECTION_LOSS, "no connection");
    assertThat(next(WAITS, waiting(), new LeaseInput.ReadFailed(loss)).effects()).isEmpty();
    QuorateException refused = new QuorateException(ErrorCode.REFUSED, "no auth");
    Step failed = next(WAITS, waiting(), new LeaseInput.ReadFailed(refused));
    assertThat(failed.state().phase()).isEqualTo(Phase.WITHDRAWN);
    assertThat(failed.effects().get(0)).isEqualTo(new LeaseEffect.FailRequest(refused));
  }

  @Test
  void aHolderWhoseNodeCannotBeWatchedIsSuspectUntilACheckWatchesItAndLostIfThatIsRefusedToo() {
    QuorateException refused = new QuorateException(ErrorCode.REFUSED, "NOAUTH");
    Step suspect = next(WAITS, granted(), new LeaseInput.ReadFailed(refused));
    assertThat(suspect.state().phase()).isEqualTo(Phase.SUSPECT);
    assertThat(suspect.effects())
        .containsExactly(
            new LeaseEffect.Emit(
                LeaseState.GRANTED,
                LeaseState.SUSPECT,
                "cannot watch lock node " + MINE.path() + ": NOAUTH"),
            new LeaseEffect.CheckOwnNode());

    // The check sets the watch: its node there and watched, the holder may use it again.
    Step watched = next(WAITS, suspect.state(), new LeaseInput.NodeChecked(true));
    assertThat(watched.state().phase()).isEqualTo(Phase.GRANTED);
    assertThat(watched.effects())
        .doesNotContain(new LeaseEffect.WatchOwnNode(false), new LeaseEffect.CheckOwnNode());
    // Its node gone meanwhile: the deletion it could not hear is reported.
    Step gone = next(WAITS, suspect.state(), new LeaseInput.NodeChecked(false));
    assertThat(gone.state().phase()).isEqualTo(Phase.LOST);
    // The check refused too: the holder cannot know of a deletion; it gives the lease up.
    Step lost = next(WAITS, suspect.state(), new LeaseInput.CheckFailed(refused));
    assertThat(lost.state().phase()).isEqualTo(Phase.LOST);
    assertThat(lost.effects())
        .contains(
            new LeaseEffect.Emit(
                LeaseState.SUSPECT,
                LeaseState.LOST,
                "cannot watch lock node " + MINE.path() + ": NOAUTH"),
            new LeaseEffect.EndHeld(LeaseEffect.End.LOST, MINE));
    // A failed watch heard while SUSPECT already changes nothing: a check is under way, or the
    // reconnection makes one.
    assertThat(next(WAITS, suspect.state(), new LeaseInput.ReadFailed(refused)).effects())
        .isEmpty();
  }

  @Test
  void aHolderCutOffWhileWatchingOrCheckingItsNodeWaitsForTheConnectionListener() {
    QuorateException loss = new QuorateException(ErrorCode.CONNECTION_LOSS, "no connection");
    Step failed = next(WAITS, granted(), new LeaseInput.ReadFailed(loss));
    assertThat(failed.state()).isEqualTo(granted());
    assertThat(failed.effects()).isEmpty();
    LeaseStatus suspect = next(WAITS, granted(), new LeaseInput.Suspended()).state();
    Step unchecked = next(WAITS, suspect, new LeaseInput.CheckFailed(loss));
    assertThat(unchecked.state()).isEqualTo(suspect);
    assertThat(unchecked.effects()).isEmpty();
  }

  private static final LeaseMachine.Rules GATED = new LeaseMachine.Rules("r", false, true);

  /** The watch set up by the wait decided by listing {@code nodes} (MINE among them). */
  private static LeaseEffect.WatchBlocker watchAfter(
      LeaseMachine.Rules rules, ZkNodes.Created... nodes) {
    Step waits = next(rules, waiting(), new LeaseInput.QueueRead(queue(nodes), null, MINE));
    assertThat(waits.effects()).singleElement().isInstanceOf(LeaseEffect.WatchBlocker.class);
    return (LeaseEffect.WatchBlocker) waits.effects().get(0);
  }

  /** Whether the wait decided by listing {@code nodes} (MINE among them) ends with its blockers. */
  private static boolean wakeArmed(LeaseMachine.Rules rules, ZkNodes.Created... nodes) {
    return watchAfter(rules, nodes).deletionGrants();
  }

  private static List<String> names(List<LockNode> nodes) {
    return nodes.stream().map(LockNode::name).toList();
  }

  @Test
  void theDeletionOfTheOnlyOlderNodeAloneGrantsARequest() {
    assertThat(wakeArmed(WAITS, OTHER, MINE)).isTrue();
    // Newer requests never go ahead of it.
    assertThat(wakeArmed(WAITS, OTHER, MINE, node(LockNode.requestPrefix(LockMode.EX), 3)))
        .isTrue();
  }

  @Test
  void aRequestBehindSeveralOlderNodesWatchesThemAllAndWaitsForItsBlockers() {
    ZkNodes.Created first = node(LockNode.requestPrefix(LockMode.PR), 0);
    ZkNodes.Created second = node(LockNode.requestPrefix(LockMode.PR), 1);
    ZkNodes.Created newer = node(LockNode.requestPrefix(LockMode.EX), 3);
    // Both hold PR; an EX request is woken by the deletion of both, the last one whichever.
    LeaseEffect.WatchBlocker behindTwo = watchAfter(WAITS, first, second, MINE, newer);
    assertThat(names(behindTwo.older())).containsExactly(first.name(), second.name());
    assertThat(names(behindTwo.blockers())).containsExactly(first.name(), second.name());
    assertThat(behindTwo.nearest().name()).isEqualTo(second.name());

    // A compatible older node is watched too (it may convert into a blocker), but not waited for.
    ZkNodes.Created nl = node(LockNode.requestPrefix(LockMode.NL), 0);
    LeaseEffect.WatchBlocker besideNl = watchAfter(WAITS, nl, OTHER, MINE);
    assertThat(names(besideNl.older())).containsExactly(nl.name(), OTHER.name());
    assertThat(names(besideNl.blockers())).containsExactly(OTHER.name());
  }

  @Test
  void aListingWithAConversionOrAGatedLockNeverArmsAWakeUp() {
    // A newer conversion node of an older lease may go ahead of the request.
    ZkNodes.Created conversion = node(LockNode.conversionPrefix(LockMode.PR, 1), 3);
    assertThat(wakeArmed(WAITS, OTHER, MINE, conversion)).isFalse();
    ZkNodes.Created olderConversion = node(LockNode.conversionPrefix(LockMode.PR, 0), 1);
    assertThat(
            wakeArmed(WAITS, node(LockNode.requestPrefix(LockMode.CR), 0), olderConversion, MINE))
        .isFalse();
    // The recovery gate decides from a listing.
    assertThat(wakeArmed(GATED, OTHER, MINE)).isFalse();
  }

  @Test
  void aRequestBehindALongQueueWatchesOnlyTheNearestBlocker() {
    List<ZkNodes.Created> listed = new ArrayList<>();
    for (int i = 0; i <= LeaseMachine.WAKE_UP_WATCHES; i++) {
      listed.add(node(LockNode.requestPrefix(LockMode.PR), 10 + i));
    }
    ZkNodes.Created me = node(LockNode.requestPrefix(LockMode.EX), 100);
    listed.add(me);
    LeaseStatus waiting =
        next(WAITS, LeaseStatus.requesting(LockMode.EX), new LeaseInput.Created(me, null)).state();
    QueueSnapshot queue = queue(listed.toArray(ZkNodes.Created[]::new));
    Step waits = next(WAITS, waiting, new LeaseInput.QueueRead(queue, null, me));
    LeaseEffect.WatchBlocker watch = (LeaseEffect.WatchBlocker) waits.effects().get(0);
    assertThat(watch.deletionGrants()).isFalse();
    assertThat(watch.nearest().seq()).isEqualTo(10L + LeaseMachine.WAKE_UP_WATCHES);
    // One fewer, and its blockers' deletions wake it.
    listed.remove(0);
    QueueSnapshot shorter = queue(listed.toArray(ZkNodes.Created[]::new));
    Step fewer = next(WAITS, waiting, new LeaseInput.QueueRead(shorter, null, me));
    assertThat(((LeaseEffect.WatchBlocker) fewer.effects().get(0)).deletionGrants()).isTrue();
  }

  @Test
  void aWakeUpGrantsWithTheListingsValueBlockAndKeepsTheOwnNodeWatch() {
    Step woken = next(WAITS, waiting(), new LeaseInput.BlockerDeleted(MINE, VALUE));
    assertThat(woken.state()).isEqualTo(waiting());
    assertThat(woken.effects()).containsExactly(new LeaseEffect.Wake(VALUE));

    // Its own node has been watched since the wait began: no watch is set at the grant.
    Step grant = next(WAITS, waiting(), new LeaseInput.Admitted(VALUE, true));
    assertThat(grant.state().phase()).isEqualTo(Phase.GRANTED);
    assertThat(grant.state().value()).isEqualTo(VALUE);
    assertThat(grant.effects())
        .containsExactly(new LeaseEffect.Grant(), new LeaseEffect.NotifyWaiters(true));
  }

  @Test
  void aWakeUpArmedForAnotherNodeOrAfterTheGrantIsIgnored() {
    ZkNodes.Created earlier = node(LockNode.requestPrefix(LockMode.EX), 0);
    assertThat(next(WAITS, waiting(), new LeaseInput.BlockerDeleted(earlier, VALUE)).effects())
        .isEmpty();
    Step late = next(WAITS, granted(), new LeaseInput.BlockerDeleted(MINE, VALUE));
    assertThat(late.state()).isEqualTo(granted());
    assertThat(late.effects()).isEmpty();
  }

  @Test
  void itsOwnNodeDeletedWhileWaitingQueuesTheRequestAgain() {
    Step vanished = next(WAITS, waiting(), new LeaseInput.NodeDeleted(MINE.path()));
    assertThat(vanished.state().phase()).isEqualTo(Phase.CREATING);
    assertThat(vanished.effects()).containsExactly(new LeaseEffect.Create(MINE));
    // The blocker's deletion, heard after, was armed for the old node.
    assertThat(next(WAITS, vanished.state(), new LeaseInput.BlockerDeleted(MINE, VALUE)).effects())
        .isEmpty();
  }
}
