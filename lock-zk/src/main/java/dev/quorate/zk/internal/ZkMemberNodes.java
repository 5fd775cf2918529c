package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.MemberId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
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
    CuratorWatcher watcher = onChange == null ? null : event -> onChange.run();
    List<Node> nodes = new ArrayList<>();
    List<String> children;
    try {
      children =
          watcher == null
              ? client.getChildren().forPath(root)
              : client.getChildren().usingWatcher(watcher).forPath(root);
    } catch (KeeperException.NoNodeException e) {
      if (watcher == null) {
        return nodes; // a reader: no member has registered yet
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
    for (String child : children) {
      if (!child.startsWith(PREFIX)) {
        continue;
      }
      String path = root + "/" + child;
      Stat stat = new Stat();
      try {
        byte[] data =
            watcher == null
                ? client.getData().storingStatIn(stat).forPath(path)
                : client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(path);
        nodes.add(
            new Node(MemberRecord.decode(path, data), stat.getEphemeralOwner(), stat.getCzxid()));
      } catch (KeeperException.NoNodeException e) {
        continue; // gone between the listing and the read
      } catch (IllegalArgumentException e) {
        log.warn("{} ignores a foreign node: {}", who, e.getMessage());
      } catch (KeeperException.NoAuthException e) {
        // Members' nodes are readable by every member; one that is not belongs to someone else,
        // and must not stop every later read (the membership would freeze at its last state).
        log.warn("{} ignores {}, which it may not read", who, path);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        throw new QuorateException(ErrorCode.CONNECTION_LOSS, who + " cannot read " + path, e);
      }
    }
    return nodes;
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
