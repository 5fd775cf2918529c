package dev.quorate.zk.internal;

import dev.quorate.fence.ClusterView;
import dev.quorate.fence.Occupant;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumEvent;
import dev.quorate.quorum.QuorumListener;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.QuorumState;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's nodes in the host inventory: its occupancy record (persistent, with an ephemeral
 * {@code session} child while its session lives), and its cluster's view while it publishes one
 * (ephemeral). The publication is the one owner of these nodes: every write goes through its lock,
 * and after the session was lost and a new one made, it writes them again.
 *
 * <p>The occupancy record is persistent on purpose: a member that crashes or is cut off from
 * ZooKeeper must not vanish from its host, or another cluster's guard would power-cycle a host it
 * believes empty while the member still runs there, and its own cluster could not place it to fence
 * it. Only an orderly leave ({@link #close()}) or an operator deletes it.
 */
public final class InventoryPublication implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InventoryPublication.class);
  private static final int ATTEMPTS = 5;

  private final CuratorFramework client;
  private final InventoryNodes nodes;
  private final Executor executor;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConnectionStateListener listener = this::stateChanged;
  private final QuorumListener quorumListener = this::quorumChanged;
  private final AtomicReference<QuorumState> latest = new AtomicReference<>();
  private Occupant occupant;
  private ClusterView view;
  private QuorumService followed;
  private Map<MemberId, String> memberNames = Map.of();
  private boolean closed;

  /**
   * Publishes an occupant.
   *
   * @param client the client, connected
   * @param nodes the inventory's nodes
   * @param executor runs the writes after a reconnection, off Curator's event thread
   * @param occupant the occupant
   * @throws QuorateException if the node cannot be written
   */
  public InventoryPublication(
      CuratorFramework client, InventoryNodes nodes, Executor executor, Occupant occupant) {
    this.client = client;
    this.nodes = nodes;
    this.executor = executor;
    this.occupant = Objects.requireNonNull(occupant, "occupant");
    // Listen first: a session lost during the first write is then followed by a second one.
    client.getConnectionStateListenable().addListener(listener);
    try {
      writeOccupant(occupant);
    } catch (RuntimeException e) {
      client.getConnectionStateListenable().removeListener(listener);
      throw e;
    }
  }

  /**
   * Returns the occupant as last published.
   *
   * @return the occupant
   */
  public Occupant occupant() {
    lock.lock();
    try {
      return occupant;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Publishes that the member now runs on another host.
   *
   * @param host the new host
   * @throws QuorateException if closed or the node cannot be written
   */
  public void moveTo(String host) {
    lock.lock();
    try {
      checkOpen();
      Occupant moved =
          new Occupant(
              occupant.cluster(), occupant.member(), host, occupant.votes(), occupant.role());
      writeOccupant(moved);
      occupant = moved;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Publishes the cluster's view as this member sees it.
   *
   * @param published the view; its cluster must be the occupant's
   * @throws ConfigurationException if the view is of another cluster
   * @throws QuorateException if closed or the node cannot be written
   */
  public void publishView(ClusterView published) {
    Objects.requireNonNull(published, "view");
    lock.lock();
    try {
      checkOpen();
      if (!published.cluster().equals(occupant.cluster())) {
        throw new ConfigurationException(
            "member "
                + occupant.qualifiedName()
                + " may publish only its own cluster's view, not one of "
                + published.cluster());
      }
      write(
          nodes.viewPath(occupant.cluster(), occupant.member()),
          InventoryNodes.encode(published),
          CreateMode.EPHEMERAL);
      view = published;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Withdraws this member's view (it is no longer quorate, or stops publishing).
   *
   * @throws QuorateException if the node cannot be deleted
   */
  public void withdrawView() {
    lock.lock();
    try {
      view = null;
      delete(nodes.viewPath(occupant.cluster(), occupant.member()));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Publishes the cluster's view from a quorum service from now on: its current state at once, and
   * each change after, on the inventory's threads (only the latest state is written, so a late task
   * never overwrites a newer one). A quorate state publishes its partition and threshold; an
   * inquorate one withdraws the view.
   *
   * @param quorum the member's quorum service
   * @param names member id to member name, for every member of the quorum's topology
   * @throws ConfigurationException if a topology member has no name
   * @throws QuorateException if closed or the first write fails
   */
  public void follow(QuorumService quorum, Map<MemberId, String> names) {
    Objects.requireNonNull(quorum, "quorum");
    Map<MemberId, String> copy = Map.copyOf(names);
    for (MemberId id : quorum.policy().topology().ids()) {
      if (!copy.containsKey(id)) {
        throw new ConfigurationException(
            "inventory: member "
                + id
                + " of "
                + occupant.cluster()
                + "'s topology has no name; give names for "
                + quorum.policy().topology().ids());
      }
    }
    lock.lock();
    try {
      checkOpen();
      if (followed != null) {
        throw new ConfigurationException(
            occupant.qualifiedName() + " already publishes its view from a quorum service");
      }
      memberNames = copy;
      followed = quorum;
      latest.compareAndSet(null, quorum.addListener(quorumListener));
      applyLatest();
    } finally {
      lock.unlock();
    }
  }

  private void quorumChanged(QuorumEvent event) {
    latest.set(event.current());
    executor.execute(this::applyLatestLogged);
  }

  private void applyLatestLogged() {
    try {
      applyLatest();
    } catch (RuntimeException e) {
      log.error(
          "could not publish the view of {} in the host inventory; other clusters' guards will"
              + " judge from the last view written, or none once this session ends",
          occupant.cluster(),
          e);
    }
  }

  private void applyLatest() {
    lock.lock();
    try {
      QuorumState state = latest.get();
      if (closed || state == null) {
        return;
      }
      if (!state.quorate()) {
        withdrawView();
        return;
      }
      Set<String> partition = new TreeSet<>();
      state.members().forEach(id -> partition.add(memberNames.get(id)));
      publishView(new ClusterView(occupant.cluster(), true, state.threshold(), partition));
    } finally {
      lock.unlock();
    }
  }

  /** Deletes both nodes and stops following reconnections. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      client.getConnectionStateListenable().removeListener(listener);
      if (followed != null) {
        followed.removeListener(quorumListener);
      }
      view = null;
      if (!client.getZookeeperClient().isConnected()) {
        // The view and the session marker are ephemeral, but the session may survive the cut
        // (the client is the caller's, and stays open): delete them once reconnected, or a quorate
        // view of a member that left would stay for other clusters' guards to read.
        log.info(
            "{} closed its publication while disconnected: its nodes go once reconnected (the"
                + " occupancy record stays on {} if the session ends first)",
            occupant.qualifiedName(),
            occupant.host());
        client.getConnectionStateListenable().addListener(new DeleteWhenReconnected());
        return;
      }
      deleteOwnNodes();
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@link #deleteOwnNodes} after the next reconnection; forgets it when the session ends. */
  private final class DeleteWhenReconnected implements ConnectionStateListener {
    @Override
    public void stateChanged(CuratorFramework c, ConnectionState state) {
      if (state == ConnectionState.RECONNECTED || state == ConnectionState.LOST) {
        c.getConnectionStateListenable().removeListener(this);
      }
      if (state == ConnectionState.RECONNECTED) {
        executor.execute(
            () -> {
              lock.lock();
              try {
                deleteOwnNodes();
              } finally {
                lock.unlock();
              }
            });
      }
    }
  }

  /** Deletes the view and, unless a newer run of this member owns them, marker and record. */
  private void deleteOwnNodes() {
    try {
      delete(nodes.viewPath(occupant.cluster(), occupant.member()));
      String marker = nodes.sessionPath(occupant.cluster(), occupant.member());
      Stat live = client.checkExists().forPath(marker);
      if (live == null || live.getEphemeralOwner() == nodes.session()) {
        delete(marker);
        deleteRecord(nodes.occupantPath(occupant.cluster(), occupant.member()));
      } // else a newer run of this member owns the record now: it is not ours to delete
    } catch (Exception e) {
      // The record stays at the member's last host, which only errs on the safe side.
      log.warn(
          "could not delete the inventory nodes of {}: {}",
          occupant.qualifiedName(),
          e.getMessage());
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new QuorateException(
          ErrorCode.CLOSED,
          "the inventory publication of " + occupant.qualifiedName() + " is closed");
    }
  }

  private void stateChanged(CuratorFramework c, ConnectionState state) {
    if (state == ConnectionState.RECONNECTED) {
      executor.execute(this::republish);
    }
  }

  /** After a reconnection: writes the nodes again, which a new session lacks. */
  private void republish() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      writeOccupant(occupant);
      if (view != null) {
        write(
            nodes.viewPath(occupant.cluster(), occupant.member()),
            InventoryNodes.encode(view),
            CreateMode.EPHEMERAL);
      }
    } catch (RuntimeException e) {
      log.error(
          "could not publish {} in the host inventory again after reconnecting; its record stays"
              + " at its last host, without a live session, until the next reconnection or move",
          occupant.qualifiedName(),
          e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes the persistent occupancy record, then makes its {@code session} child ours: the record
   * says where the member runs, the child that its session lives.
   */
  private void writeOccupant(Occupant o) {
    write(
        nodes.occupantPath(o.cluster(), o.member()),
        InventoryNodes.encode(o),
        CreateMode.PERSISTENT);
    write(nodes.sessionPath(o.cluster(), o.member()), new byte[0], CreateMode.EPHEMERAL);
  }

  /** Deletes the persistent record at the version read, unless it changed meanwhile. */
  private void deleteRecord(String path) throws Exception {
    Stat stat = client.checkExists().forPath(path);
    if (stat == null) {
      return;
    }
    try {
      client.delete().withVersion(stat.getVersion()).forPath(path);
    } catch (KeeperException.NoNodeException
        | KeeperException.BadVersionException
        | KeeperException.NotEmptyException e) {
      // gone, rewritten or live again meanwhile: left to its new writer
    }
  }

  /**
   * Makes the node hold the data: create it if missing, set it if persistent or ours. An ephemeral
   * node of another session (an earlier run of this member whose session has not expired yet, after
   * a restart) is replaced, as it would otherwise vanish later and take the occupant with it.
   */
  private void write(String path, byte[] data, CreateMode mode) {
    try {
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        Stat stat = client.checkExists().forPath(path);
        try {
          if (stat == null) {
            client.create().creatingParentContainersIfNeeded().withMode(mode).forPath(path, data);
          } else if (!mode.isEphemeral() || stat.getEphemeralOwner() == nodes.session()) {
            client.setData().withVersion(stat.getVersion()).forPath(path, data);
          } else {
            log.warn(
                "inventory node {} belongs to another session (0x{}), an earlier run of this"
                    + " member: replacing it",
                path,
                Long.toHexString(stat.getEphemeralOwner()));
            client.delete().withVersion(stat.getVersion()).forPath(path);
            continue;
          }
          return;
        } catch (KeeperException.NodeExistsException
            | KeeperException.BadVersionException
            | KeeperException.NoNodeException e) {
          log.debug("inventory node {} changed while writing it ({}); again", path, e.code());
        }
      }
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "inventory node " + path + " kept changing while being written");
    } catch (QuorateException e) {
      throw e;
    } catch (Exception e) {
      throw ZkNodes.failure("write the inventory node " + path, e);
    }
  }

  /** Deletes the node if it is ours; one of another session (a newer run) is left alone. */
  private void delete(String path) {
    try {
      Stat stat = client.checkExists().forPath(path);
      if (stat != null && stat.getEphemeralOwner() == nodes.session()) {
        client.delete().withVersion(stat.getVersion()).forPath(path);
      }
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      // gone, or rewritten meanwhile: not ours to delete any more
    } catch (Exception e) {
      throw ZkNodes.failure("delete the inventory node " + path, e);
    }
  }
}
