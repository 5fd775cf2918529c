package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A holder whose own node cannot be watched, for a reason other than the connection, on a real
 * server: an operator gives the node an ACL that denies its holder READ, so ZooKeeper refuses the
 * holder's {@code exists} watch with NOAUTH (a deletion then needs only the container's rights). A
 * holder that cannot watch would not hear its node deleted: it must say SUSPECT at once and check
 * its node again, and LOST when it cannot (its node given up, so the next member gets the lock), or
 * when the node is gone.
 */
@Timeout(120)
class OwnNodeWatchRefusedIT extends WakeUpFixture {
  /** The lock nodes of {@code resource}, oldest first. */
  private List<String> queue(String resource) throws Exception {
    return observer.getChildren().forPath(container(resource)).stream()
        .sorted(Comparator.comparing((String name) -> name.substring(name.length() - 10)))
        .map(name -> container(resource) + "/" + name)
        .toList();
  }

  /** Leaves {@code node} readable only by an identity nobody here has: its holder gets NOAUTH. */
  private void denyReading(String node) throws Exception {
    Id nobody = new Id("digest", DigestAuthenticationProvider.generateDigest("nobody:secret"));
    observer.setACL().withACL(List.of(new ACL(ZooDefs.Perms.ALL, nobody))).forPath(node);
  }

  /** The states {@code events} went to, in order. */
  private static List<LeaseState> states(List<LeaseEvent> events) {
    return events.stream().map(LeaseEvent::to).toList();
  }

  /**
   * Waits until the holder says its lease may be lost, then deletes its node (if the holder has not
   * given it up already) and waits until the holder says LOST; another member gets the lock after.
   */
  private void suspectThenLostAndTheLockPassesOn(
      String resource, Lease lease, String node, List<LeaseEvent> events) throws Exception {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(states(events))
                    .as("the holder whose watch was refused says so (transitions %s)", events)
                    .contains(LeaseState.SUSPECT));
    try {
      observer.delete().forPath(node);
    } catch (KeeperException.NoNodeException e) {
      // The holder gave it up already, as it could not watch it.
    }
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(states(events))
                    .as("its node's deletion is reported (transitions %s)", events)
                    .containsExactly(LeaseState.SUSPECT, LeaseState.LOST));
    assertThat(events.get(0).cause()).contains("cannot watch lock node " + node, "NOAUTH");
    Optional<Lease> next = second.lock(resource).tryAcquire(LockMode.EX, PATIENCE);
    assertThat(next).as("the lock after the holder lost it").isPresent();
    assertThat(lease.state()).isEqualTo(LeaseState.LOST);
    next.get().release();
  }

  @Test
  void aHolderGrantedByAListingWhoseWatchIsRefusedIsSuspectThenLost() throws Exception {
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    LockOptions heard = LockOptions.builder().listener(events::add).build();
    // Behind more older nodes than a wake-up watches (LeaseMachine.WAKE_UP_WATCHES), the request
    // waits on the nearest only: when that goes, it lists the queue, is granted by that listing,
    // and only then watches its own node.
    int older = LeaseMachine.WAKE_UP_WATCHES + 1;
    Lease first = this.first.lock("listed").acquire(LockMode.EX);
    List<CompletableFuture<Lease>> ahead = new ArrayList<>();
    for (int i = 1; i < older; i++) {
      ahead.add(second.lock("listed").acquireAsync(LockMode.EX));
      int queued = i + 1;
      await().atMost(PATIENCE).until(() -> queue("listed").size() == queued);
    }
    CompletableFuture<Lease> waiting = waiter.lock("listed", heard).acquireAsync(LockMode.EX);
    await().atMost(PATIENCE).until(() -> queue("listed").size() == older + 1);
    String nearestNode = queue("listed").get(older - 1);
    String node = queue("listed").get(older);
    await().atMost(PATIENCE).until(() -> ServerWatches.watchers(server, nearestNode) >= 2);
    assertThat(ServerWatches.watchers(server, node))
        .as("the waiter's own node, unwatched")
        .isZero();
    denyReading(node);

    first.release();
    for (CompletableFuture<Lease> next : ahead) {
      next.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release();
    }
    Lease lease = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    suspectThenLostAndTheLockPassesOn("listed", lease, node, events);
  }

  @Test
  void aHolderWhoseWatchIsRefusedOnAQueueChangeIsSuspectThenLost() throws Exception {
    List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    LockOptions heard = LockOptions.builder().listener(events::add).build();
    // Granted by the listing sent with its create, which watches the queue: on the first change,
    // the holder watches its own node.
    Lease lease = waiter.lock("changed", heard).acquire(LockMode.EX);
    String node = queue("changed").get(0);
    denyReading(node);

    Optional<Lease> meanwhile = second.lock("changed").tryAcquire(LockMode.EX, Duration.ZERO);
    meanwhile.ifPresent(
        other -> {
          assertThat(lease.state()).as("the holder beside a second EX").isEqualTo(LeaseState.LOST);
          other.release();
        });
    suspectThenLostAndTheLockPassesOn("changed", lease, node, events);
  }

  @Test
  void aRequestWhoseCreateIsRefusedFailsAtOnce() throws Exception {
    // The container exists and only an identity nobody here has may create in it.
    Id nobody = new Id("digest", DigestAuthenticationProvider.generateDigest("nobody:secret"));
    observer
        .create()
        .creatingParentsIfNeeded()
        .withACL(List.of(new ACL(ZooDefs.Perms.ALL, nobody)))
        .forPath(container("refused"));
    CompletableFuture<Lease> refused = waiter.lock("refused").acquireAsync(LockMode.EX);
    assertThat(refused)
        .failsWithin(PATIENCE)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining(
            "refused to create a lock node under /quorate/locks/refused: NOAUTH");
  }
}
