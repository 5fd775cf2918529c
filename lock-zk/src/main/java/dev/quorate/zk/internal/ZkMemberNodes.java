package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.MemberId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Member nodes in ZooKeeper: {@code root/member-<id>-<session>}, ephemeral. */
public final class ZkMemberNodes implements MemberNodes {
  private static final Logger log = LoggerFactory.getLogger(ZkMemberNodes.class);
  private static final String PREFIX = "member-";

  private final CuratorFramework client;
  private final String root;
  private final MemberId local;
  private final String who;
  private final ConnectionListeners listeners;
  private final MemberNodeCache cache = new MemberNodeCache();

  /** One watcher for every node, so a node read again is not watched twice. */
  private final CuratorWatcher watcher = this::watched;

  private volatile Runnable onChange = () -> {};

  ZkMemberNodes(CuratorFramework client, String root, MemberId local) {
    this.client = client;
    this.listeners = new ConnectionListeners(client);
    this.root = root;
    this.local = local;
    this.who = local == null ? "a status reader" : "member " + local;
  }

  /**
   * Reads every member's newest node once, without watching and without being a member (an
   * operator's status tool).
   *
   * @param client a connected client
   * @param root the membership's root path
   * @return the newest record of each member, by member id
   * @throws dev.quorate.lock.QuorateException with {@link ErrorCode#CONNECTION_LOSS} if ZooKeeper
   *     fails, or {@link ErrorCode#REFUSED} naming the path if its ACL refuses this client
   * @throws InterruptedException if interrupted
   */
  public static List<MemberRecord> readNewest(CuratorFramework client, String root)
      throws InterruptedException {
    java.util.Map<MemberId, Node> newest = new java.util.TreeMap<>();
    for (Node node : new ZkMemberNodes(client, root, null).read(null)) {
      newest.merge(node.record().member().id(), node, (a, b) -> a.czxid() >= b.czxid() ? a : b);
    }
    return newest.values().stream().map(Node::record).toList();
  }

  @Override
  public boolean isConnected() {
    return client.getZookeeperClient().isConnected();
  }

  @Override
  public long session() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      log.debug("member {}: no ZooKeeper handle yet", local, e);
      return 0;
    }
  }

  @Override
  public void listen(Consumer<ConnectionState> listener) {
    listeners.add(listener);
  }

  @Override
  public void unlisten(Consumer<ConnectionState> listener) {
    listeners.remove(listener);
  }

  @Override
  public Registration register(MemberRecord record) throws Exception {
    String path = root + "/" + PREFIX + local + "-" + Long.toHexString(session());
    Stat stat = new Stat();
    client
        .create()
        .orSetData()
        .storingStatIn(stat)
        .creatingParentContainersIfNeeded()
        .withMode(CreateMode.EPHEMERAL)
        .forPath(path, record.encode());
    if (stat.getEphemeralOwner() == 0) {
      // A retried create may leave the Stat empty; read the owner back.
      stat = client.checkExists().forPath(path);
    }
    return new Registration(path, stat == null ? 0 : stat.getEphemeralOwner());
  }

  @Override
  public List<Node> read(Runnable onChange) throws InterruptedException {
    if (onChange == null) {
      return readAll(); // a reader: nothing to watch, nothing to keep
    }
    this.onChange = onChange;
    cache.begin(session());
    List<String> children = list(watcher);
    cache.retain(children);
    List<Node> nodes = new ArrayList<>();
    for (String child : children) {
      if (!child.startsWith(PREFIX)) {
        continue;
      }
      Optional<Node> node = cache.fresh(child) ? cache.node(child) : readNode(child, watcher);
      node.ifPresent(nodes::add);
    }
    return nodes;
  }

  private List<Node> readAll() throws InterruptedException {
    List<Node> nodes = new ArrayList<>();
    for (String child : list(null)) {
      if (child.startsWith(PREFIX)) {
        readNode(child, null).ifPresent(nodes::add);
      }
    }
    return nodes;
  }

  private List<String> list(CuratorWatcher watcher) throws InterruptedException {
    try {
      return watcher == null
          ? client.getChildren().forPath(root)
          : client.getChildren().usingWatcher(watcher).forPath(root);
    } catch (KeeperException.NoNodeException e) {
      if (watcher == null) {
        return List.of(); // a reader: no member has registered yet
      }
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS, who + " cannot list " + root + ": it does not exist", e);
    } catch (KeeperException.NoAuthException e) {
      throw new QuorateException(
          ErrorCode.REFUSED, "the ACL of " + root + " refuses to list it to this client", e);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new QuorateException(ErrorCode.CONNECTION_LOSS, who + " cannot list " + root, e);
    }
  }

  /** Reads one member node; empty if it is gone, foreign, or not readable to this client. */
  private Optional<Node> readNode(String child, CuratorWatcher watcher)
      throws InterruptedException {
    String path = root + "/" + child;
    Stat stat = new Stat();
    try {
      byte[] data =
          watcher == null
              ? client.getData().storingStatIn(stat).forPath(path)
              : client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(path);
      Optional<Node> node = decode(path, data, stat);
      if (watcher != null) {
        cache.put(child, node); // watched now: valid until the watch fires
      }
      return node;
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty(); // gone between the listing and the read; nothing watched
    } catch (KeeperException.NoAuthException e) {
      // Members' nodes are readable by every member; one that is not belongs to someone else,
      // and must not stop every later read (the membership would freeze at its last state).
      log.warn("{} ignores {}, which it may not read", who, path);
      return Optional.empty();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new QuorateException(ErrorCode.CONNECTION_LOSS, who + " cannot read " + path, e);
    }
  }

  private Optional<Node> decode(String path, byte[] data, Stat stat) {
    try {
      return Optional.of(
          new Node(MemberRecord.decode(path, data), stat.getEphemeralOwner(), stat.getCzxid()));
    } catch (IllegalArgumentException e) {
      log.warn("{} ignores a foreign node: {}", who, e.getMessage());
      return Optional.empty();
    }
  }

  private void watched(WatchedEvent event) {
    cache.watched(event);
    onChange.run();
  }

  @Override
  public void update(String path, MemberRecord record) {
    try {
      client.setData().inBackground().forPath(path, record.encode());
    } catch (Exception e) {
      log.warn("member {} could not publish {}: {}", local, record, e.toString());
    }
  }

  @Override
  public void delete(String path) {
    if (!isConnected()) {
      return;
    }
    try {
      client.delete().quietly().forPath(path);
    } catch (Exception e) {
      // The node is ephemeral: it goes with the session anyway.
      log.debug("member {} could not delete {}", local, path, e);
    }
  }
}
