package dev.quorate.zk.internal;

import dev.quorate.fence.ClusterView;
import dev.quorate.fence.InventoryView;
import dev.quorate.fence.Occupant;
import dev.quorate.fence.Placement;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The nodes of the shared host inventory and their format, as {@code key=value} lines an operator
 * can read with {@code zkCli get}:
 *
 * <pre>
 * occupants/&lt;cluster&gt;/&lt;member&gt;           persistent: host=, votes=, role=
 * occupants/&lt;cluster&gt;/&lt;member&gt;/session   ephemeral, while the member's session lives
 * views/&lt;cluster&gt;/&lt;member&gt;               ephemeral, while the member publishes a view: quorate=,
 *                                        threshold=, partition= (member names, comma-separated)
 * </pre>
 *
 * A node whose data cannot be read as its kind fails the whole read with a {@link QuorateException}
 * ({@link ErrorCode#CORRUPT_DATA}) that names the node's path: the guard then refuses rather than
 * counting a host as emptier than it is.
 */
public final class InventoryNodes {
  private static final String OCCUPANTS = "occupants";
  private static final String VIEWS = "views";
  private static final String SESSION = "session";

  private final CuratorFramework client;
  private final String root;

  /**
   * Creates the reader and writer of the nodes under a root.
   *
   * @param client the client
   * @param root the inventory's root path
   */
  public InventoryNodes(CuratorFramework client, String root) {
    this.client = client;
    this.root = root;
  }

  /**
   * Returns an occupant's node path.
   *
   * @param cluster the cluster
   * @param member the member
   * @return the path
   */
  public String occupantPath(String cluster, String member) {
    return root + "/" + OCCUPANTS + "/" + cluster + "/" + member;
  }

  /**
   * Returns the path of the ephemeral child that shows an occupant's session lives.
   *
   * @param cluster the cluster
   * @param member the member
   * @return the path
   */
  public String sessionPath(String cluster, String member) {
    return occupantPath(cluster, member) + "/" + SESSION;
  }

  /**
   * Deletes the record of a member whose session has ended, by an operator's decision (the VM is
   * gone for good).
   *
   * @param cluster the cluster
   * @param member the member
   * @return true if a record was deleted, false if there was none
   * @throws QuorateException with {@link ErrorCode#REFUSED} if the member's session lives
   */
  public boolean forget(String cluster, String member) {
    String path = occupantPath(cluster, member);
    try {
      Stat live = client.checkExists().forPath(sessionPath(cluster, member));
      if (live != null) {
        throw new QuorateException(
            ErrorCode.REFUSED,
            "member "
                + cluster
                + "/"
                + member
                + " is live (session 0x"
                + Long.toHexString(live.getEphemeralOwner())
                + "): it leaves the inventory itself");
      }
      Stat stat = client.checkExists().forPath(path);
      if (stat == null) {
        return false;
      }
      client.delete().withVersion(stat.getVersion()).forPath(path);
      return true;
    } catch (QuorateException e) {
      throw e;
    } catch (KeeperException.NoNodeException e) {
      return false;
    } catch (Exception e) {
      throw ZkNodes.failure("delete the inventory node " + path, e);
    }
  }

  /**
   * Returns the path of the view a member publishes for its cluster.
   *
   * @param cluster the cluster
   * @param member the publishing member
   * @return the path
   */
  public String viewPath(String cluster, String member) {
    return root + "/" + VIEWS + "/" + cluster + "/" + member;
  }

  /**
   * Encodes an occupant's node data.
   *
   * @param o the occupant
   * @return UTF-8 lines
   */
  public static byte[] encode(Occupant o) {
    return ("host="
            + o.host()
            + "\nvotes="
            + o.votes()
            + "\nrole="
            + o.role().name().toLowerCase(Locale.ROOT)
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Encodes a cluster view's node data.
   *
   * @param v the view
   * @return UTF-8 lines
   */
  public static byte[] encode(ClusterView v) {
    return ("quorate="
            + v.quorate()
            + "\nthreshold="
            + v.threshold()
            + "\npartition="
            + String.join(",", new TreeSet<>(v.partition()))
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  static Occupant decodeOccupant(String path, String cluster, String member, byte[] data) {
    try {
      Map<String, String> f = MemberRecord.Fields.parse(path, data);
      return new Occupant(
          cluster,
          member,
          MemberRecord.Fields.require(path, f, "host"),
          Integer.parseInt(MemberRecord.Fields.require(path, f, "votes")),
          Occupant.Role.valueOf(
              MemberRecord.Fields.require(path, f, "role").toUpperCase(Locale.ROOT)));
    } catch (RuntimeException e) {
      throw corrupt(path, "an occupant (host=, votes=, role=active|standby|other)", e);
    }
  }

  static ClusterView decodeView(String path, String cluster, byte[] data) {
    try {
      Map<String, String> f = MemberRecord.Fields.parse(path, data);
      String quorate = MemberRecord.Fields.require(path, f, "quorate");
      if (!quorate.equals("true") && !quorate.equals("false")) {
        throw new IllegalArgumentException("quorate=" + quorate + " is neither true nor false");
      }
      String partition = MemberRecord.Fields.require(path, f, "partition");
      return new ClusterView(
          cluster,
          Boolean.parseBoolean(quorate),
          Integer.parseInt(MemberRecord.Fields.require(path, f, "threshold")),
          partition.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(partition.split(","))));
    } catch (RuntimeException e) {
      throw corrupt(path, "a cluster view (quorate=, threshold=, partition=)", e);
    }
  }

  private static QuorateException corrupt(String path, String expected, RuntimeException e) {
    return new QuorateException(
        ErrorCode.CORRUPT_DATA,
        "host inventory node " + path + " is not " + expected + ": " + e.getMessage(),
        e);
  }

  /**
   * Reads every occupant and every cluster's newest view, after a {@code sync} so the server
   * answering has seen every write the leader committed before the read began.
   *
   * @param readNanos the read's stamp
   * @return the view
   * @throws Exception if ZooKeeper fails; {@link QuorateException} naming the path for bad data
   */
  public InventoryView read(long readNanos) throws Exception {
    sync();
    List<Occupant> occupants = new ArrayList<>();
    for (String cluster : children(root + "/" + OCCUPANTS)) {
      occupants.addAll(occupants(cluster));
    }
    List<ClusterView> views = new ArrayList<>();
    for (String cluster : children(root + "/" + VIEWS)) {
      ClusterView newest = null;
      long newestZxid = Long.MIN_VALUE;
      for (String member : children(root + "/" + VIEWS + "/" + cluster)) {
        String path = viewPath(cluster, member);
        Stat stat = new Stat();
        byte[] data = dataOrNull(path, stat);
        if (data == null) {
          continue;
        }
        ClusterView view = decodeView(path, cluster, data);
        // Two publishers of one cluster: the last write (ZooKeeper's order, not a clock) counts.
        if (stat.getMzxid() > newestZxid) {
          newest = view;
          newestZxid = stat.getMzxid();
        }
      }
      if (newest != null) {
        views.add(newest);
      }
    }
    return InventoryView.of(occupants, views, readNanos);
  }

  /**
   * Returns the occupants whose member's session lives now (its {@code session} child exists).
   *
   * @return qualified names ({@code cluster/member})
   * @throws Exception if ZooKeeper fails
   */
  public Set<String> connected() throws Exception {
    sync();
    Set<String> live = new TreeSet<>();
    for (String cluster : children(root + "/" + OCCUPANTS)) {
      for (String member : children(root + "/" + OCCUPANTS + "/" + cluster)) {
        if (client.checkExists().forPath(sessionPath(cluster, member)) != null) {
          live.add(cluster + "/" + member);
        }
      }
    }
    return live;
  }

  /**
   * Reads where one cluster's members run now.
   *
   * @param cluster the cluster
   * @param readNanos the read's stamp
   * @return member to host; empty if none is published
   * @throws Exception if ZooKeeper fails; {@link QuorateException} naming the path for bad data
   */
  public Placement placement(String cluster, long readNanos) throws Exception {
    sync();
    Map<String, String> hosts = new TreeMap<>();
    occupants(cluster).forEach(o -> hosts.put(o.member(), o.host()));
    return new Placement(hosts, readNanos);
  }

  private List<Occupant> occupants(String cluster) throws Exception {
    List<Occupant> out = new ArrayList<>();
    for (String member : children(root + "/" + OCCUPANTS + "/" + cluster)) {
      String path = occupantPath(cluster, member);
      byte[] data = dataOrNull(path, new Stat());
      if (data != null) {
        out.add(decodeOccupant(path, cluster, member, data));
      }
    }
    return out;
  }

  private void sync() throws Exception {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    client.sync().inBackground((c, event) -> done.complete(event.getResultCode())).forPath(root);
    // The caller bounds the whole read; this bound only keeps a lost callback from hanging it.
    int rc = done.get(1, TimeUnit.MINUTES);
    if (rc != KeeperException.Code.OK.intValue() && rc != KeeperException.Code.NONODE.intValue()) {
      throw KeeperException.create(KeeperException.Code.get(rc), root);
    }
  }

  private List<String> children(String path) throws Exception {
    try {
      return new ArrayList<>(new TreeSet<>(client.getChildren().forPath(path)));
    } catch (KeeperException.NoNodeException e) {
      return List.of(); // nothing published there (yet, or any more)
    }
  }

  /** A node's data, or null if it vanished between the listing and the read (its session ended). */
  private byte[] dataOrNull(String path, Stat stat) throws Exception {
    try {
      return client.getData().storingStatIn(stat).forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return null;
    }
  }

  /**
   * Returns the session id of the client now, to tell our ephemeral nodes from others.
   *
   * @return the session id, or 0 if there is none
   */
  public long session() {
    return CuratorClients.sessionId(client);
  }
}
