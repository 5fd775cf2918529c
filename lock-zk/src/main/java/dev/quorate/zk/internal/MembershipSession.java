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
import java.util.HashMap;
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
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
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

  private final MemberNodes nodes;
  private final String root;
  private final Member local;
  private final QuorumService quorum;
  private final ExecutorService worker;
  private final Runnable watcher = this::scheduleRead;
  private final Consumer<ConnectionState> connectionListener = this::onConnection;
  private final QuorumListener reporter = this::onQuorumChange;
  private final AtomicBoolean readPending = new AtomicBoolean();

  // Guards everything below.
  private final ReentrantLock lock = new ReentrantLock();
  private boolean connected;
  private long connectionEpoch; // one more on every connection change
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
    this(
        new ZkMemberNodes(client, root, local.id()),
        root,
        local,
        quorum,
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quorate-membership-" + local.id());
              t.setDaemon(true);
              return t;
            }));
  }

  /** Tests drive the rules against an in-memory store, with their own worker. */
  MembershipSession(
      MemberNodes nodes, String root, Member local, QuorumService quorum, ExecutorService worker) {
    this.nodes = nodes;
    this.root = root;
    this.local = local;
    this.quorum = quorum;
    this.worker = worker;
  }

  /**
   * Registers the local member, feeds the first membership and starts watching.
   *
   * @param timeout how long to wait for the registration
   * @throws InterruptedException if interrupted while registering
   * @throws QuorateException if the member node cannot be created in time
   */
  public void start(Duration timeout) throws InterruptedException {
    nodes.listen(connectionListener);
    quorum.addListener(reporter);
    lock.lock();
    try {
      connected = nodes.isConnected();
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
      // No interrupt: a create the server may already have applied must finish and see the close
      // that follows this failure, or its node would stay behind unseen.
      first.cancel(false);
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
    try {
      MemberNodes.Registration registration =
          nodes.register(new MemberRecord(local, next, quorate));
      boolean left;
      lock.lock();
      try {
        left = closed;
        if (!left) {
          incarnation = next;
          registeredSession = registration.session();
          ownPath = registration.path();
          publishedQuorate = quorate;
        }
      } finally {
        lock.unlock();
      }
      if (left) {
        // close() ran while the node was being created and could not see it: remove it here, or
        // the others would count a member that left for as long as the client stays open.
        nodes.delete(registration.path());
        return;
      }
      log.info(
          "member {} registered at {} (incarnation {}, session 0x{})",
          local.id(),
          registration.path(),
          next,
          Long.toHexString(registration.session()));
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
      connectionEpoch++;
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
      long session = nodes.session();
      // First start, or a new session after the old one expired (LOST): its node is gone.
      mustRegister = connected && session != 0 && session != registeredSession;
    } finally {
      lock.unlock();
    }
    if (mustRegister) {
      register();
    }
    long mine;
    long epoch;
    lock.lock();
    try {
      mine = registeredSession;
      epoch = connectionEpoch;
    } finally {
      lock.unlock();
    }
    Map<MemberId, Seen> live = read(mine);
    lock.lock();
    try {
      if (closed || epoch != connectionEpoch) {
        // Read before a connection change, maybe under a session that is gone: what it saw may be
        // stale. SUSPENDED and LOST fed this member alone; a reconnection scheduled a new read.
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
            // Its own flag is no evidence for itself: it may date from before a cut.
            if (seen.record.quorate() && !id.equals(local.id())) {
              reporters.add(id);
            }
          });
      feed(Membership.of(present).withQuorateReporters(reporters));
      boolean quorate = quorum.state().quorate();
      if (own.record.quorate() != quorate) {
        // A loss of quorum while cut off could not be written; peers must not read the old flag.
        publishedQuorate = quorate;
        nodes.update(ownPath, new MemberRecord(local, incarnation, quorate));
      }
    } finally {
      lock.unlock();
    }
  }

  /** One member's newest node: newest by creation, since an older session's node may linger. */
  private record Seen(MemberRecord record, long session, long czxid) {}

  private Map<MemberId, Seen> read(long mine) throws InterruptedException {
    Map<MemberId, Seen> live = new HashMap<>();
    for (MemberNodes.Node node : nodes.read(watcher)) {
      MemberId id = node.record().member().id();
      if (!quorum.policy().topology().contains(id)) {
        log.warn("a member node names member {}, not in the topology; ignored", id);
        continue;
      }
      if (id.equals(local.id()) && node.session() != mine) {
        continue; // our own node of an older session
      }
      live.merge(
          id,
          new Seen(node.record(), node.session(), node.czxid()),
          (a, b) -> a.czxid >= b.czxid ? a : b);
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
    // Peers read the flag for wait_for_all: a member joining a quorate partition need not wait.
    nodes.update(path, new MemberRecord(local, version, quorate));
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
    nodes.unlisten(connectionListener);
    quorum.removeListener(reporter);
    // No interrupt: a registration in flight must finish and see the close, or a node created on
    // the server just as the interrupt stopped the wait would stay behind unseen.
    worker.shutdown();
    if (path != null) {
      nodes.delete(path);
    }
  }
}
