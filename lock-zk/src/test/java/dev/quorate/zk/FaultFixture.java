package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.ZooKeeper;

/** An ensemble of three servers with a short tick, and the moves the fault tests share. */
final class FaultFixture implements AutoCloseable {
  static final Duration SESSION = Duration.ofSeconds(3);

  /** A cluster member: its own Curator client (so tests can reach the session) and manager. */
  record Member(CuratorFramework curator, ZkLockManager manager) implements AutoCloseable {
    ZooKeeper zooKeeper() throws Exception {
      return curator.getZookeeperClient().getZooKeeper();
    }

    @Override
    public void close() {
      manager.close();
      curator.close();
    }
  }

  final TestingCluster cluster;
  private final List<Member> members = new ArrayList<>();
  private final boolean cohorting;

  FaultFixture() throws Exception {
    this(false);
  }

  /** An ensemble whose members cohort and cache their EX grants if {@code cohorting}. */
  FaultFixture(boolean cohorting) throws Exception {
    this.cohorting = cohorting;
    List<InstanceSpec> specs = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      // tickTime 500 ms: sessions of 1 to 10 s, elections in about a second.
      specs.add(new InstanceSpec(null, -1, -1, -1, true, id, 500, -1));
    }
    cluster = new TestingCluster(specs);
    cluster.start();
  }

  Member member() throws Exception {
    return member(cluster.getConnectString(), true);
  }

  /** A member whose client knows only {@code server}: when that server is down, it is cut off. */
  Member memberOn(InstanceSpec server) throws Exception {
    // Without the ensemble tracker, which would teach the client the other servers' addresses.
    return member("127.0.0.1:" + server.getPort(), false);
  }

  private Member member(String connectString, boolean trackEnsemble) throws Exception {
    CuratorFramework curator =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .ensembleTracker(trackEnsemble)
            .sessionTimeoutMs(Math.toIntExact(SESSION.toMillis()))
            .connectionTimeoutMs(Math.toIntExact(SESSION.toMillis()))
            .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 30))
            .build();
    ZkLockManager manager =
        ZkLockManager.builder()
            .curator(curator)
            .connectionTimeout(Duration.ofSeconds(20))
            .cohorting(cohorting)
            .build();
    Member member = new Member(curator, manager);
    members.add(member);
    return member;
  }

  /**
   * The holder takes EX and writes; each waiter queues an EX request that, once granted, writes
   * twice and releases. Returns when the holder's blocking callback saw every waiter queued.
   */
  static Lease holdWhileOthersWait(
      LockManager holder,
      String resource,
      List<? extends LockManager> waiters,
      GuardedResource guarded,
      List<CompletableFuture<Void>> waitersDone)
      throws InterruptedException {
    AtomicInteger queued = new AtomicInteger();
    LockOptions options =
        LockOptions.builder().onBlocking((lease, wanted) -> queued.incrementAndGet()).build();
    Lease lease = holder.lock(resource, options).acquire(LockMode.EX);
    guarded.granted(lease);
    assertThat(guarded.write(lease)).isTrue();
    for (LockManager waiter : waiters) {
      waitersDone.add(
          waiter
              .lock(resource)
              .acquireAsync(LockMode.EX)
              .thenAccept(
                  granted -> {
                    guarded.granted(granted);
                    guarded.write(granted);
                    guarded.write(granted);
                    guarded.release(granted);
                  }));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> queued.get() >= waiters.size());
    return lease;
  }

  /** After the fault healed, a new member must get the lock within session timeout + 5 s. */
  void assertAcquirableAgain(String resource, GuardedResource guarded) throws Exception {
    try (Member fresh = member()) {
      Optional<Lease> lease =
          fresh.manager().lock(resource).tryAcquire(LockMode.EX, SESSION.plusSeconds(5));
      assertThat(lease).as("lock acquirable within session timeout + 5 s").isPresent();
      guarded.granted(lease.get());
      assertThat(guarded.write(lease.get())).isTrue();
      guarded.release(lease.get());
    }
  }

  /**
   * Ends a session on the server, as its expiry would.
   *
   * @return {@link System#nanoTime()} just before the session was closed
   */
  long expireOnServer(ZooKeeper victim) throws Exception {
    return ServerSessions.expire(cluster.getConnectString(), victim);
  }

  InstanceSpec leader() throws Exception {
    for (InstanceSpec spec : cluster.getInstances()) {
      if (isLeader(spec.getPort())) {
        return spec;
      }
    }
    throw new AssertionError("no leader among " + cluster.getInstances());
  }

  /** Asks a server with the {@code srvr} four-letter word whether it leads. */
  static boolean isLeader(int clientPort) {
    return mode(clientPort).contains("Mode: leader");
  }

  private static String mode(int clientPort) {
    try (Socket socket = new Socket("127.0.0.1", clientPort)) {
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (Exception e) {
      return "";
    }
  }

  static void awaitAll(List<CompletableFuture<Void>> futures, Duration atMost) {
    await().atMost(atMost).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
  }

  @Override
  public void close() throws java.io.IOException {
    for (Member member : members) {
      member.close();
    }
    cluster.close();
  }
}
