package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.ValueBlock;
import dev.quorate.zk.TcpProxy;
import dev.quorate.zk.ZkLockManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The wake-up of a waiting request on a real server ({@link LeaseMachine#deletionGrants}): granted
 * by its only older node's deletion without listing again, and never when that deletion does not
 * free it (another node ahead, a conversion of the blocker's lease), nor with a value block the
 * blocker's release wrote. Each test waits until the server holds the waiter's watch on the node it
 * waits for (the {@code wchp} command), so the wake-up is armed when that node goes; the waiter
 * then watching the next node shows it listed again instead of taking the grant.
 */
@Timeout(120)
class WakeUpIT extends WakeUpFixture {
  @Test
  void theOnlyOlderNodesReleaseGrantsTheWaiter() throws Exception {
    Lease holder = first.lock("one").acquire(LockMode.EX);
    CompletableFuture<Lease> waiting = waitingBehind("one", holder, 2);
    holder.release();
    Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(granted.state()).isEqualTo(LeaseState.GRANTED);
    assertThat(granted.token().isNewerThan(holder.token())).isTrue();
    granted.release();
  }

  @Test
  void aWaiterBehindTwoHoldersIsNotGrantedWhenTheNearestGoes() throws Exception {
    Lease older = first.lock("two").acquire(LockMode.PR);
    Lease nearest = second.lock("two").acquire(LockMode.PR);
    CompletableFuture<Lease> waiting = waitingBehind("two", nearest, 3);
    String olderNode = nodeOf("two", older);
    nearest.release();
    // The waiter listed again and waits for the older holder: no grant from the deletion alone.
    awaitWatchedWhileWaiting(olderNode, 2, waiting);
    assertThat(waiting).isNotDone();
    assertThat(older.state()).isEqualTo(LeaseState.GRANTED);
    older.release();
    waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release();
  }

  @Test
  void aConversionOfTheOnlyHolderIsNotTakenForItsRelease() throws Exception {
    Lease holder = first.lock("conv").acquire(LockMode.EX);
    String held = nodeOf("conv", holder);
    CompletableFuture<Lease> waiting = waitingBehind("conv", holder, 2);
    // The down-conversion creates a PR node and deletes the EX one: the lease still holds PR.
    holder.convert(LockMode.PR);
    assertThat(children("conv")).doesNotContain(held.substring(held.lastIndexOf('/') + 1));
    awaitWatchedWhileWaiting(conversionNode("conv"), 2, waiting);
    assertThat(waiting).isNotDone();
    assertThat(holder.state()).isEqualTo(LeaseState.GRANTED);
    holder.release();
    Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(granted.token().isNewerThan(holder.token())).isTrue();
    granted.release();
  }

  @Test
  void aConversionWhileTheWaiterIsCutOffIsNotTakenForARelease() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.getPort());
        ZkLockManager cutOff = manager(proxy.connectString())) {
      Lease holder = first.lock("cut").acquire(LockMode.EX);
      CompletableFuture<Lease> waiting = cutOff.lock("cut").acquireAsync(LockMode.EX);
      await().atMost(PATIENCE).until(() -> children("cut").size() == 2);
      awaitWatched(nodeOf("cut", holder), 2);
      // The waiter's connection drops, its session lives on. Meanwhile the holder converts: it
      // marks its EX node, creates a PR node and deletes the EX node. On reconnecting, the waiter
      // hears of all that as one deletion of the EX node.
      proxy.block();
      holder.convert(LockMode.PR);
      proxy.unblock();
      awaitWatchedWhileWaiting(conversionNode("cut"), 2, waiting);
      assertThat(holder.state()).isEqualTo(LeaseState.GRANTED);
      holder.release();
      Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(granted.token().isNewerThan(holder.token())).isTrue();
      granted.release();
    }
  }

  @Test
  void theWokenWaiterSeesTheValueBlockTheReleaseWrote() throws Exception {
    Lease holder = first.lock("valued").acquire(LockMode.EX);
    CompletableFuture<Lease> waiting = waitingBehind("valued", holder, 2);
    ValueBlock written = ValueBlock.of("after".getBytes(StandardCharsets.UTF_8));
    holder.setValueBlock(written);
    holder.release();
    Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(granted.valueBlock()).isEqualTo(written);
    granted.release();
  }

  @Test
  void aWaiterWhoseNodeIsDeletedWhileWaitingQueuesAgainBeforeItIsGranted() throws Exception {
    Lease holder = first.lock("requeue").acquire(LockMode.EX);
    CompletableFuture<Lease> waiting = waitingBehind("requeue", holder, 2);
    String waiterNode =
        children("requeue").stream()
            .map(name -> container("requeue") + "/" + name)
            .filter(path -> !path.equals(nodeOfUnchecked("requeue", holder)))
            .findFirst()
            .orElseThrow();
    awaitWatched(waiterNode, 1); // its own node, watched from the start of the wait
    observer.delete().forPath(waiterNode); // an operator removes the waiting request
    // It queues again: a new node of its own appears beside the holder's.
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                children("requeue").size() == 2
                    && !children("requeue")
                        .contains(waiterNode.substring(waiterNode.lastIndexOf('/') + 1)));
    holder.release();
    Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(granted.state()).isEqualTo(LeaseState.GRANTED);
    assertThat(nodeOf("requeue", granted)).isNotEqualTo(waiterNode);
    Optional<Lease> other = second.lock("requeue").tryAcquire(LockMode.EX, Duration.ZERO);
    assertThat(other).isEmpty();
    granted.release();
  }

  @Test
  void aWaiterArmedAcrossAServerRestartIsGrantedByTheReleaseAfterIt() throws Exception {
    Lease holder = first.lock("restart").acquire(LockMode.EX);
    List<LeaseState> seen = new CopyOnWriteArrayList<>();
    holder.addListener(event -> seen.add(event.to()));
    CompletableFuture<Lease> waiting = waitingBehind("restart", holder, 2);
    // Every session is cut off, then back within its timeout (SUSPENDED, then RECONNECTED): the
    // holder keeps the lock; the waiter's armed wake-up must not be lost (it lists again).
    server.restart();
    await()
        .atMost(PATIENCE)
        .until(() -> seen.contains(LeaseState.SUSPECT) && holder.state() == LeaseState.GRANTED);
    awaitWatched(nodeOf("restart", holder), 2);
    assertThat(waiting).isNotDone();
    holder.release();
    Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(granted.token().isNewerThan(holder.token())).isTrue();
    granted.release();
  }
}
