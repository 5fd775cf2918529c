package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.Membership;
import dev.quorate.quorum.QuorumEvent;
import dev.quorate.quorum.QuorumListener;
import dev.quorate.quorum.QuorumService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code ZkMembership}: registers the local member's ephemeral node, watches the
 * member nodes, and feeds the {@link QuorumService} with the live set.
 *
 * <p>Reads run on one worker thread; applying a read and reacting to a connection change happen
 * under one lock, so a read that started before a SUSPENDED can never be applied after it as if the
 * member were still connected. SUSPENDED and LOST are handled on the listener's thread at once: the
 * service is fed the local member alone, which is never quorate in a cluster of three or more
 * votes.
 */
public final class MembershipSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MembershipSession.class);
  private static final String PREFIX = "member-";

  private final CuratorFramework client;
  private final String root;
  private final Member local;
  private final QuorumService quorum;
  private final ExecutorService worker;
  private final CuratorWatcher watcher = event -> scheduleRead();
  private final ConnectionStateListener connectionListener = (c, state) -> onConnection(state);
  private final QuorumListener reporter = this::onQuorumChange;
  private final AtomicBoolean readPending = new AtomicBoolean();

  // Guards everything below.
  private final ReentrantLock lock = new ReentrantLock();
  private boolean connected;
  private long incarnation;
  private long registeredSession;
  private String ownPath;
  private boolean publishedQuorate;
  private Membership lastFed;
  private boolean closed;

  /**
   * Creates the session; {@link #start()} registers and starts watching.
   *
   * @param client a started, connected client
   * @param root the path under which member nodes live
   * @param local the local member
   * @param quorum the service to feed
   */
  public MembershipSession(
      CuratorFramework client, String root, Member local, QuorumService quorum) {
    this.client = client;
    this.root = root;
    this.local = local;
    this.quorum = quorum;
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quorate-membership-" + local.id());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Registers the local member, feeds the first membership and starts watching.
   *
   * @param timeout how long to wait for the registration
   * @throws InterruptedException if interrupted while registering
   * @throws QuorateException if the member node cannot be created in time
   */
  public void start(Duration timeout) throws InterruptedException {
    client.getConnectionStateListenable().addListener(connectionListener);
    quorum.addListener(reporter);
    lock.lock();
    try {
      connected = client.getZookeeperClient().isConnected();
    } finally {
      lock.unlock();
    }
    // On the worker, so the first registration never races one a connection event schedules.
    Future<Void> first =
        worker.submit(
            () -> {
              readAndFeed();
              return null;
            });
    try {
      first.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      first.cancel(true);
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS,
          "member " + local.id() + " could not register under " + root + " within " + timeout,
          e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS,
          "member " + local.id() + " could not join the membership under " + root,
          e.getCause());
    }
  }

  /**
   * Returns the membership last given to the quorum service.
   *
   * @return the membership, or only the local member before the first read
   */
  public Membership lastFed() {
    lock.lock();
    try {
      return lastFed == null ? Membership.of(local.id()) : lastFed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the incarnation of the current registration.
   *
   * @return 1 after the first registration, one more after each new session
   */
  public long incarnation() {
    lock.lock();
    try {
      return incarnation;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Creates the member node owned by the client's current session. Runs without the lock (it may
   * wait for the server), so a SUSPENDED meanwhile still takes effect at once.
   */
  private void register() throws InterruptedException {
    long next;
    lock.lock();
    try {
      next = incarnation + 1;
    } finally {
      lock.unlock();
    }
    boolean quorate = quorum.grantsAllowed();
    byte[] data = new MemberRecord(local, next, quorate).encode();
    try {
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      String path = root + "/" + PREFIX + local.id() + "-" + Long.toHexString(session);
      Stat stat = new Stat();
      client
          .create()
          .orSetData()
          .storingStatIn(stat)
          .creatingParentContainersIfNeeded()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(path, data);
      if (stat.getEphemeralOwner() == 0) {
        // A retried create may leave the Stat empty; read the owner back.
        stat = client.checkExists().forPath(path);
      }
      lock.lock();
      try {
        incarnation = next;
        registeredSession = stat == null ? 0 : stat.getEphemeralOwner();
        ownPath = path;
        publishedQuorate = quorate;
      } finally {
        lock.unlock();
      }
      log.info(
          "member {} registered at {} (incarnation {}, session 0x{})",
          local.id(),
          path,
          incarnation,
          Long.toHexString(registeredSession));
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS,
          "member " + local.id() + " could not register under " + root + ": " + e,
          e);
    }
  }

  private void onConnection(ConnectionState state) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      connected = state.isConnected();
      if (!connected) {
        // Cut off: from this moment this member must not count anybody but itself.
        feed(Membership.of(local.id()));
        log.warn("member {} is {} from ZooKeeper: not quorate", local.id(), state);
        return;
      }
    } finally {
      lock.unlock();
    }
    scheduleRead();
  }

  private void scheduleRead() {
    // One pending read covers every event before it starts: a burst of watches is one read.
    if (!readPending.compareAndSet(false, true)) {
      return;
    }
    try {
      worker.execute(
          () -> {
            readPending.set(false);
            readQuietly();
          });
    } catch (RejectedExecutionException e) {
      log.debug("membership of member {} closed; read skipped", local.id(), e);
    }
  }

  private void readQuietly() {
    try {
      readAndFeed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // The next connection event or watch schedules another read.
      log.warn("member {} could not read the membership: {}", local.id(), e.toString());
    }
  }

  /** Runs on the worker (or the starting thread before the worker has work). */
  private void readAndFeed() throws InterruptedException {
    boolean mustRegister;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      long session = currentSession();
      // First start, or a new session after the old one expired (LOST): its node is gone.
      mustRegister = connected && session != 0 && session != registeredSession;
    } finally {
      lock.unlock();
    }
    if (mustRegister) {
      register();
    }
    long mine;
    lock.lock();
    try {
      mine = registeredSession;
    } finally {
      lock.unlock();
    }
    Map<MemberId, Seen> live = read(mine);
    lock.lock();
    try {
      if (closed) {
        return;
      }
      Seen own = live.get(local.id());
      if (!connected || own == null || own.session != registeredSession) {
        feed(Membership.of(local.id()));
        if (connected && own == null && registeredSession != 0) {
          // Our node vanished while the session lives (deleted by hand): register again.
          log.warn("member {}: its member node is gone; registering again", local.id());
          registeredSession = 0;
          scheduleRead();
        }
        return;
      }
      Set<MemberId> present = new TreeSet<>(live.keySet());
      Set<MemberId> reporters = new TreeSet<>();
      live.forEach(
          (id, seen) -> {
            if (seen.record.quorate()) {
              reporters.add(id);
            }
          });
      feed(Membership.of(present).withQuorateReporters(reporters));
    } finally {
      lock.unlock();
    }
  }

  private long currentSession() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      log.debug("member {}: no ZooKeeper handle yet", local.id(), e);
      return 0;
    }
  }

  /** One member's newest node: newest by creation, since an older session's node may linger. */
  private record Seen(MemberRecord record, long session, long czxid) {}

  private Map<MemberId, Seen> read(long mine) throws InterruptedException {
    Map<MemberId, Seen> live = new HashMap<>();
    List<String> children;
    try {
      children = client.getChildren().usingWatcher(watcher).forPath(root);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS, "member " + local.id() + " cannot list " + root, e);
    }
    for (String child : new ArrayList<>(children)) {
      if (!child.startsWith(PREFIX)) {
        continue;
      }
      String path = root + "/" + child;
      Stat stat = new Stat();
      MemberRecord record;
      try {
        byte[] data = client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(path);
        record = MemberRecord.decode(path, data);
      } catch (KeeperException.NoNodeException e) {
        continue; // gone between the listing and the read
      } catch (IllegalArgumentException e) {
        log.warn("member {} ignores a foreign node: {}", local.id(), e.getMessage());
        continue;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        throw new QuorateException(
            ErrorCode.CONNECTION_LOSS, "member " + local.id() + " cannot read " + path, e);
      }
      MemberId id = record.member().id();
      if (!quorum.policy().topology().contains(id)) {
        log.warn("member node {} names member {}, not in the topology; ignored", path, id);
        continue;
      }
      Seen seen = new Seen(record, stat.getEphemeralOwner(), stat.getCzxid());
      if (id.equals(local.id()) && seen.session != mine) {
        continue; // our own node of an older session
      }
      live.merge(id, seen, (a, b) -> a.czxid >= b.czxid ? a : b);
    }
    return live;
  }

  /** Must hold the lock. */
  private void feed(Membership membership) {
    try {
      quorum.update(membership);
      lastFed = membership;
    } catch (QuorateException e) {
      if (e.code() != ErrorCode.CLOSED) {
        throw e;
      }
    }
  }

  private void onQuorumChange(QuorumEvent event) {
    boolean quorate = event.current().quorate();
    String path;
    long version;
    lock.lock();
    try {
      if (closed || !connected || ownPath == null || quorate == publishedQuorate) {
        return;
      }
      publishedQuorate = quorate;
      path = ownPath;
      version = incarnation;
    } finally {
      lock.unlock();
    }
    byte[] data = new MemberRecord(local, version, quorate).encode();
    try {
      // Peers read the flag for wait_for_all: a member joining a quorate partition need not wait.
      client.setData().inBackground().forPath(path, data);
    } catch (Exception e) {
      log.warn("member {} could not publish quorate={}: {}", local.id(), quorate, e.toString());
    }
  }

  /** Stops watching, removes the member node, and stops the worker; does not close the client. */
  @Override
  public void close() {
    String path;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      path = ownPath;
    } finally {
      lock.unlock();
    }
    client.getConnectionStateListenable().removeListener(connectionListener);
    quorum.removeListener(reporter);
    worker.shutdownNow();
    if (path != null && client.getZookeeperClient().isConnected()) {
      try {
        client.delete().quietly().forPath(path);
      } catch (Exception e) {
        // The node is ephemeral: it goes with the session anyway.
        log.debug("member {} could not delete {}", local.id(), path, e);
      }
    }
  }
}
