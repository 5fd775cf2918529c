package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Election;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import dev.quorate.lock.Semaphore;
import dev.quorate.lock.spi.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Waiting claims of semaphores and elections on a real server: they hold no thread while they wait,
 * and a permit is granted only on the node this session created.
 */
@Timeout(120)
class PermitWaitersIT {
  private static final String SEMAPHORES = "/quorate/locks.semaphores/";
  private static final String ELECTIONS = "/quorate/locks.elections/";
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private TestingServer server;
  private ThreadPoolExecutor pool;
  private ZkLockManager holder;
  private ZkLockManager waiter;
  private CuratorFramework observer;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    // The waiting manager's own pool, growing as the default one does: its busy threads are what
    // a waiting claim would hold.
    pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            DaemonThreads.named("waiters"));
    holder = ZkLockManager.builder().connectString(server.getConnectString()).build();
    waiter =
        ZkLockManager.builder().connectString(server.getConnectString()).executor(pool).build();
    observer = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    observer.start();
    observer.blockUntilConnected(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    observer.close();
    waiter.close();
    holder.close();
    server.close();
    pool.shutdownNow();
  }

  @Test
  void manyWaitingClaimsHoldNoThreadAndAreGrantedInOrder() throws Exception {
    int semaphoreWaiters = 400;
    int candidates = 200;
    Semaphore semaphore = holder.semaphore("printers", 1);
    Permit held = semaphore.acquire();
    Election election = holder.election("scheduler");
    Leadership leader = election.campaign("incumbent");

    Semaphore waitingSemaphore = waiter.semaphore("printers", 1);
    List<CompletableFuture<Permit>> permits = new ArrayList<>();
    for (int i = 0; i < semaphoreWaiters; i++) {
      permits.add(waitingSemaphore.acquireAsync());
    }
    Election waitingElection = waiter.election("scheduler");
    List<CompletableFuture<Leadership>> campaigns = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      campaigns.add(waitingElection.campaignAsync("candidate-" + i));
    }
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                children(SEMAPHORES + "printers") == semaphoreWaiters + 1
                    && children(ELECTIONS + "scheduler") == candidates + 1);

    // Every claim is queued and watching: none may keep a pool thread busy while it waits.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(pool.getActiveCount())
                    .as(
                        "pool threads busy while %d claims wait (pool size %d)",
                        semaphoreWaiters + candidates, pool.getPoolSize())
                    .isZero());
    assertThat(permits).noneMatch(CompletableFuture::isDone);
    assertThat(campaigns).noneMatch(CompletableFuture::isDone);

    // Still waiting for real: a release grants the first claim in line.
    held.release();
    Permit next = permits.get(0).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(next.token()).isGreaterThan(held.token());
    assertThat(permits.subList(1, semaphoreWaiters)).noneMatch(CompletableFuture::isDone);
    leader.resign();
    Leadership elected = campaigns.get(0).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(elected.leader().candidate()).isEqualTo("candidate-0");

    // A withdrawn claim leaves no node behind.
    permits.subList(1, semaphoreWaiters).forEach(f -> f.cancel(false));
    campaigns.subList(1, candidates).forEach(f -> f.cancel(false));
    await()
        .atMost(PATIENCE)
        .until(
            () -> children(SEMAPHORES + "printers") == 1 && children(ELECTIONS + "scheduler") == 1);
    next.release();
    elected.resign();
  }

  @Test
  void aNodeMadeAgainUnderTheClaimsNameByAnotherSessionIsNotGranted() throws Exception {
    Permit held = holder.semaphore("tapes", 1).acquire();
    CompletableFuture<Permit> claim = waiter.semaphore("tapes", 1).acquireAsync();
    await().atMost(PATIENCE).until(() -> children(SEMAPHORES + "tapes") == 2);
    String claimNode = SEMAPHORES + "tapes/" + newest(SEMAPHORES + "tapes");

    // In one transaction, so the claim never sees its name missing: the same name, another owner.
    CuratorOp delete = observer.transactionOp().delete().forPath(claimNode);
    CuratorOp create =
        observer.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(claimNode);
    observer.transaction().forOperations(delete, create);
    held.release();

    assertThatThrownBy(() -> claim.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("is not the node this session created");
    Stat left = observer.checkExists().forPath(claimNode);
    assertThat(left).as("the other session's node").isNotNull();
    assertThat(left.getEphemeralOwner())
        .isEqualTo(observer.getZookeeperClient().getZooKeeper().getSessionId());
  }

  @Test
  void aGrantedPermitWhoseNodeIsMadeAgainByAnotherSessionIsLost() throws Exception {
    Permit permit = waiter.semaphore("drives", 1).acquire();
    String node = SEMAPHORES + "drives/" + newest(SEMAPHORES + "drives");

    CuratorOp delete = observer.transactionOp().delete().forPath(node);
    CuratorOp create =
        observer.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(node);
    observer.transaction().forOperations(delete, create);

    await().atMost(PATIENCE).until(() -> permit.state() == LeaseState.LOST);
    permit.release();
    assertThat(observer.checkExists().forPath(node)).as("the other session's node").isNotNull();
  }

  private int children(String path) throws Exception {
    return observer.checkExists().forPath(path) == null
        ? 0
        : observer.getChildren().forPath(path).size();
  }

  private String newest(String path) throws Exception {
    return observer.getChildren().forPath(path).stream()
        .max((a, b) -> a.substring(a.length() - 10).compareTo(b.substring(b.length() - 10)))
        .orElseThrow();
  }
}
