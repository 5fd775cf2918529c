package dev.quorate.zk.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Election;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Semaphore;
import dev.quorate.lock.spi.PermitElection;
import dev.quorate.lock.spi.QueuedSemaphore;
import dev.quorate.lock.spi.ResourceNames;
import dev.quorate.lock.spi.SerialExecutor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.data.ACL;

/**
 * The semaphores and elections of a ZooKeeper lock manager. They live beside the lock containers,
 * under {@code <root>.semaphores} and {@code <root>.elections}, so a scan of the locks never meets
 * them. One connection listener, serial, hands SUSPENDED, RECONNECTED and LOST to every permit and
 * every election seat in the order they happened.
 */
public final class ZkRecipes implements AutoCloseable {
  /** The suffix of the lock root that names the elections' root. */
  static final String ELECTIONS = ".elections";

  private final CuratorFramework client;
  private final List<ACL> acls;
  private final Executor pool;
  private final String semaphoreRoot;
  private final String electionRoot;
  private final Map<String, ZkPermitQueue> queues = new ConcurrentHashMap<>();
  private final ConnectionStateListener listener = (c, state) -> onConnectionState(state);
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Starts listening to the client's connection.
   *
   * @param client the started client
   * @param lockRoot the lock manager's root path
   * @param acls the ACL of every node created, or null for the client's default
   * @param pool where claims' steps and listeners run
   */
  public ZkRecipes(CuratorFramework client, String lockRoot, List<ACL> acls, Executor pool) {
    this.client = client;
    this.acls = acls;
    this.pool = pool;
    this.semaphoreRoot = lockRoot + ".semaphores";
    this.electionRoot = lockRoot + ELECTIONS;
    client.getConnectionStateListenable().addListener(listener, new SerialExecutor(pool));
  }

  /**
   * Returns the semaphore of this name.
   *
   * @param name the name
   * @param permits its permits
   * @return the semaphore
   * @throws IllegalArgumentException if the name is invalid or permits below 1
   */
  public Semaphore semaphore(String name, int permits) {
    ResourceNames.check(name);
    if (permits < 1) {
      throw new IllegalArgumentException(
          "semaphore '" + name + "' needs at least 1 permit, got " + permits);
    }
    checkOpen();
    return new QueuedSemaphore(queue(semaphoreRoot, name, permits, false));
  }

  /**
   * Returns the election of this name.
   *
   * @param name the name
   * @return the election
   * @throws IllegalArgumentException if the name is invalid
   */
  public Election election(String name) {
    ResourceNames.check(name);
    checkOpen();
    return new PermitElection(name, new ZkSeat(queue(electionRoot, name, 1, true)), pool);
  }

  private ZkPermitQueue queue(String root, String name, int permits, boolean announce) {
    ZkPermitQueue queue =
        queues.computeIfAbsent(
            root + "/" + ResourcePaths.encode(name),
            path -> new ZkPermitQueue(this, name, path, permits, announce));
    if (queue.permits() != permits) {
      throw disagreement(name, queue.permits(), permits);
    }
    return queue;
  }

  CuratorFramework client() {
    return client;
  }

  List<ACL> acls() {
    return acls;
  }

  Executor pool() {
    return pool;
  }

  void checkOpen() {
    if (closed.get()) {
      throw new QuorateException(ErrorCode.CLOSED, "lock manager is closed");
    }
  }

  static ConfigurationException disagreement(String name, int recorded, int asked) {
    return new ConfigurationException(
        "semaphore '"
            + name
            + "' has "
            + recorded
            + " permits in this lock space, asked for "
            + asked);
  }

  private void onConnectionState(ConnectionState state) {
    for (ZkPermitQueue queue : queues.values()) {
      queue.connectionState(state);
    }
  }

  /**
   * Makes every permit LOST and fails every claim; their nodes are deleted while the client lives.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    client.getConnectionStateListenable().removeListener(listener);
    queues.values().forEach(ZkPermitQueue::close);
  }
}
