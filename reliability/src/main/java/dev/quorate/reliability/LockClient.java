package dev.quorate.reliability;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import dev.quorate.zk.ZkLockManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.ZooKeeper;

/**
 * A lock client process: acquires EX on one lock again and again, and while it holds the lease
 * increments the fenced counter a few times, showing its token. It records every step in its
 * history, and its current ZooKeeper session in {@code client-N.session} so the nemesis can expire
 * it on the server.
 */
final class LockClient {
  static final String LOCK = "counter";
  private static final Duration ACQUIRE_BOUND = Duration.ofSeconds(30);

  private final String id;
  private final Path dir;
  private final int writes;

  LockClient(String id, Path dir, int writes) {
    this.id = id;
    this.dir = dir;
    this.writes = writes;
  }

  void run(String connect, Duration session, ResourceAddress resourceAddress) throws Exception {
    CuratorFramework curator =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(Math.toIntExact(session.toMillis()))
            .connectionTimeoutMs(Math.toIntExact(session.toMillis()))
            .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 25))
            .build();
    curator.getConnectionStateListenable().addListener((c, state) -> publishSession(c, state));
    Path file = dir.resolve(id + ".history");
    long first = HistoryWriter.lastSeq(file) + 1;
    try (HistoryWriter history = new HistoryWriter(file);
        ResourceLink resource = new ResourceLink(resourceAddress)) {
      history.event("start");
      curator.start();
      try (ZkLockManager manager =
          ZkLockManager.builder()
              .curator(curator)
              .sessionTimeout(session)
              .connectionTimeout(Duration.ofSeconds(60))
              .build()) {
        Lock lock = manager.lock(LOCK);
        for (long seq = first; !Files.exists(dir.resolve("stop")); seq++) {
          cycle(lock, seq, history, resource);
        }
      }
      history.event("end");
    } finally {
      curator.close();
    }
  }

  private void cycle(Lock lock, long seq, HistoryWriter history, ResourceLink resource)
      throws Exception {
    // Connected before the acquire: a resource that restarts must not hold the lock hostage.
    resource.awaitConnected();
    // The wall clock rides along so that a step of it (see FakeClock) shows in the history; the
    // checker reads only the monotonic stamps.
    history.event("invoke", seq, System.currentTimeMillis());
    Optional<Lease> granted;
    try {
      granted = lock.tryAcquire(LockMode.EX, ACQUIRE_BOUND);
    } catch (QuorateException e) {
      history.event("fail", seq, e.getClass().getSimpleName());
      return;
    }
    if (granted.isEmpty()) {
      history.event("fail", seq, "timeout");
      return;
    }
    try (Lease lease = granted.get()) {
      FencingToken token = lease.token();
      history.event("grant", seq, token);
      try {
        // Checked once, as an application checks before it starts a multi-block write; a pause
        // after this line is exactly what the token at the resource is for.
        lease.checkValid();
        resource.writeAll(history, id, seq, token, writes);
      } catch (LeaseLostException e) {
        history.event("lost", seq, token, e.code());
      }
    } catch (QuorateException e) {
      history.event("fail", seq, e.getClass().getSimpleName());
    }
    history.event("release", seq);
  }

  private void publishSession(CuratorFramework curator, ConnectionState state) {
    if (state != ConnectionState.CONNECTED && state != ConnectionState.RECONNECTED) {
      return;
    }
    try {
      ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
      String line =
          Long.toHexString(zk.getSessionId())
              + " "
              + Base64.getEncoder().encodeToString(zk.getSessionPasswd());
      Path tmp = dir.resolve(id + ".session.tmp");
      Files.writeString(tmp, line, StandardCharsets.US_ASCII);
      Files.move(
          tmp,
          dir.resolve(id + ".session"),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (Exception e) {
      // Only the session-expiry fault needs the file; it skips a client without one.
      System.err.println("cannot publish session of " + id + ": " + e);
    }
  }
}
