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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The wake-up of a request with several older nodes ({@link LeaseMachine#deletionGrants}): it
 * watches them all and is granted by the last blocker's deletion without listing the queue again
 * (counted on the server with {@code srvr}), and never when an older node changed first (a
 * conversion, a value block written), nor across a cut-off. A watch of a node already gone leaves
 * no watch behind.
 */
@Timeout(120)
class WakeUpBehindSeveralIT extends WakeUpFixture {

  /** Waits until the waiter (and each node's holder) watches every node of {@code holders}. */
  private void awaitWatchingAll(String resource, Lease... holders) throws Exception {
    for (Lease holder : holders) {
      awaitWatched(nodeOf(resource, holder), 2);
    }
  }

  @Test
  void aWaiterBehindThreeHoldersIsGrantedByTheLastReleaseWithoutAListing() throws Exception {
    try (ZkLockManager third = manager()) {
      Lease a = first.lock("three").acquire(LockMode.PR);
      Lease b = second.lock("three").acquire(LockMode.PR);
      Lease c = third.lock("three").acquire(LockMode.PR);
      CompletableFuture<Lease> waiting = waiter.lock("three").acquireAsync(LockMode.EX);
      await().atMost(PATIENCE).until(() -> children("three").size() == 4);
      awaitWatchingAll("three", a, b, c);
      long before = ServerRequests.received(server);
      c.release();
      b.release();
      a.release();
      Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      // The three deletes, less the srvr that reads the count; a ping may fall in between.
      // Listing on each deletion of the node it watched, as before, took 9 or more.
      long requests = ServerRequests.received(server) - before - 1;
      assertThat(requests).isBetween(3L, 4L);
      assertThat(granted.state()).isEqualTo(LeaseState.GRANTED);
      granted.release();
    }
  }

  @Test
  void aWithdrawnWaiterAheadDoesNotHoldUpTheWakeUp() throws Exception {
    Lease holder = first.lock("middle").acquire(LockMode.EX);
    CompletableFuture<Lease> waiting;
    try (ZkLockManager middle = manager()) {
      CompletableFuture<Lease> ahead = middle.lock("middle").acquireAsync(LockMode.EX);
      await().atMost(PATIENCE).until(() -> children("middle").size() == 2);
      waiting = waiter.lock("middle").acquireAsync(LockMode.EX);
      await().atMost(PATIENCE).until(() -> children("middle").size() == 3);
      awaitWatched(nodeOf("middle", holder), 3); // its holder, the waiter ahead, the waiter
      assertThat(ahead).isNotDone();
    } // closing its manager withdraws the waiter ahead
    await().atMost(PATIENCE).until(() -> children("middle").size() == 2);
    assertThat(waiting).isNotDone();
    long before = ServerRequests.received(server);
    holder.release();
    Lease granted = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(ServerRequests.received(server) - before - 1).isBetween(1L, 2L); // the delete
    assertThat(granted.token().isNewerThan(holder.token())).isTrue();
    granted.release();
  }

  @Test
  void aConversionOfAnOlderNodeThatIsNotTheNearestIsNotTakenForItsRelease() throws Exception {
    Lease older = first.lock("conv2").acquire(LockMode.PR);
    Lease nearest = second.lock("conv2").acquire(LockMode.PR);
    CompletableFuture<Lease> waiting = waitingBehind("conv2", nearest, 3);
    awaitWatchingAll("conv2", older);
    // Down to CR, which still keeps EX waiting: a CR node, and the PR node deleted.
    older.convert(LockMode.CR);
    nearest.release();
    awaitWatchedWhileWaiting(conversionNode("conv2"), 2, waiting);
    assertThat(waiting).isNotDone();
    assertThat(older.state()).isEqualTo(LeaseState.GRANTED);
    older.release();
    waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release();
  }

  @Test
  void aValueBlockWrittenByACompatibleOlderHolderIsSeenByTheWokenWaiter() throws Exception {
    // PW holds; EX waits behind it; CR waits behind the EX only (PW and CR are compatible).
    Lease writer = first.lock("valued2").acquire(LockMode.PW);
    CompletableFuture<Lease> ex = second.lock("valued2").acquireAsync(LockMode.EX);
    await().atMost(PATIENCE).until(() -> children("valued2").size() == 2);
    CompletableFuture<Lease> cr = waiter.lock("valued2").acquireAsync(LockMode.CR);
    await().atMost(PATIENCE).until(() -> children("valued2").size() == 3);
    awaitWatched(nodeOf("valued2", writer), 3);
    ValueBlock written = ValueBlock.of("pw".getBytes(StandardCharsets.UTF_8));
    writer.setValueBlock(written);
    writer.release();
    ex.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release(); // writes nothing
    Lease granted = cr.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(granted.valueBlock()).isEqualTo(written);
    granted.release();
  }

  @Test
  void aConversionWhileAWaiterBehindTwoIsCutOffIsNotTakenForReleases() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.getPort());
        ZkLockManager cutOff = manager(proxy.connectString())) {
      Lease older = first.lock("cut2").acquire(LockMode.PR);
      Lease nearest = second.lock("cut2").acquire(LockMode.PR);
      CompletableFuture<Lease> waiting = cutOff.lock("cut2").acquireAsync(LockMode.EX);
      await().atMost(PATIENCE).until(() -> children("cut2").size() == 3);
      awaitWatchingAll("cut2", older, nearest);
      // Cut off, the waiter misses the older holder's mark: on reconnecting, it hears only that
      // both PR nodes are gone, while the older lease holds CR on a new node.
      proxy.block();
      older.convert(LockMode.CR);
      nearest.release();
      await().atMost(PATIENCE).until(() -> children("cut2").size() == 2);
      proxy.unblock();
      awaitWatchedWhileWaiting(conversionNode("cut2"), 2, waiting);
      assertThat(older.state()).isEqualTo(LeaseState.GRANTED);
      older.release();
      waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release();
    }
  }

  @Test
  void aWatchOfANodeAlreadyGoneLeavesNoWatch() throws Exception {
    ZkNodes nodes =
        new ZkNodes(
            new ZkSession(
                observer,
                null,
                "owner".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(10),
                new ValuedContainers()));
    String resource = container("gone");
    ZkNodes.Created me = nodes.create(resource, LockNode.requestPrefix(LockMode.EX));
    ZkNodes.Created gone = nodes.create(resource, LockNode.requestPrefix(LockMode.EX));
    observer.delete().forPath(gone.path());
    List<LeaseInput> posted = new CopyOnWriteArrayList<>();
    LeaseWatch watch = new LeaseWatch(nodes.reads(), resource, posted::add, posted::add);
    LockNode older = LockNode.parse(gone.name()).orElseThrow();
    watch.waitToBeWoken(List.of(older), List.of(older), me, new ZkReads.Value(null, 0, 0));
    await().atMost(PATIENCE).until(() -> posted.contains(new LeaseInput.BlockerGone()));
    awaitWatched(me.path(), 1); // the own-node watch, sent first, is in place: so was the other
    assertThat(watchers(gone.path())).isZero();
  }
}
