package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Permit;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.Grants;
import dev.quorate.lock.spi.PermitQueue;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permits of one semaphore (or election seat) in ZooKeeper: an ephemeral-sequential node per
 * claim under a container that records the number of permits; a claim holds a permit while fewer
 * than {@code permits} nodes precede it. The granted nodes are always a prefix of the sequence, so
 * grants happen in sequence order, and a node's {@code czxid} (which rises with the sequence) is
 * its token. A waiter re-reads the children in the background when they change, holding no thread
 * ({@link ZkClaim}); no lock is needed, unlike Curator's InterProcessSemaphoreV2, whose leases are
 * unordered.
 */
final class ZkPermitQueue implements PermitQueue {
  private static final Logger log = LoggerFactory.getLogger(ZkPermitQueue.class);

  private final ZkRecipes recipes;
  private final CuratorFramework client;
  private final String name;
  private final String path;
  private final int permits;
  private final boolean announce;
  private final Set<ZkPermit> granted = ConcurrentHashMap.newKeySet();
  private final Set<ZkClaim> claims = ConcurrentHashMap.newKeySet();
  private final PermitNodes nodes;
  private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
  private final Watcher watcher = event -> watchers.forEach(Runnable::run);

  ZkPermitQueue(ZkRecipes recipes, String name, String path, int permits, boolean announce) {
    this.recipes = recipes;
    this.client = recipes.client();
    this.name = name;
    this.path = path;
    this.permits = permits;
    this.announce = announce;
    this.nodes = new PermitNodes(client, recipes.acls(), path, permits, name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int permits() {
    return permits;
  }

  /**
   * Queues a claim; the future is completed with the permit, or with null when {@code onlyIfFree}
   * and no permit is free now. Cancelling it withdraws the claim. No thread waits for it.
   */
  @Override
  public CompletableFuture<Permit> claim(String label, boolean onlyIfFree) {
    recipes.checkOpen();
    ZkClaim claim = new ZkClaim(this, nodes, label, onlyIfFree);
    claims.add(claim);
    claim.start();
    return claim.request;
  }

  /**
   * Makes the permit of {@code claim} on its {@code node}, whose Stat (read just now) shows it is
   * this session's: it joins the permits the connection listener tells, then completes the claim.
   */
  void grant(ZkClaim claim, String node, Stat stat, Instant since) {
    ZkPermit permit =
        new ZkPermit(this, node, FencingToken.of(stat.getCzxid()), claim.label, since);
    granted.add(permit);
    if (!client.getZookeeperClient().isConnected()) {
      // Suspended between the read that granted and joining the set the listener tells.
      permit.connectionState(ConnectionState.SUSPENDED);
    }
    permit.watchNode();
    Grants.complete(claim.request, permit, Permit::release);
  }

  /**
   * Writes the candidate's name and start on the node of an election's claim, once it is granted;
   * nothing for a semaphore.
   */
  CompletableFuture<Void> announce(ZkClaim claim, String node, Stat stat, Instant since) {
    if (!announce) {
      return CompletableFuture.completedFuture(null);
    }
    // Versioned: fails if the node is no longer the one created (never, unless it was deleted).
    return nodes.announce(node, stat.getVersion(), Candidacy.encode(claim.label, since));
  }

  /** The position of {@code node} in sequence order, or -1 if it is not there. */
  static int position(List<String> children, String node) {
    List<String> sorted =
        children.stream().sorted(Comparator.comparing(ZkPermitQueue::sequence)).toList();
    return sorted.indexOf(node);
  }

  static String sequence(String child) {
    return child.substring(Math.max(0, child.length() - 10));
  }

  /** Reads the first node (the leader of a seat) and sets watches on the children and its data. */
  Candidacy.Seen readFirst() throws Exception {
    List<String> children;
    try {
      children = client.getChildren().usingWatcher(watcher).forPath(path);
    } catch (KeeperException.NoNodeException e) {
      if (client.checkExists().usingWatcher(watcher).forPath(path) != null) {
        return readFirst(); // made in between
      }
      return Candidacy.Seen.NOBODY;
    }
    if (children.isEmpty()) {
      return Candidacy.Seen.NOBODY;
    }
    String first = children.stream().min(Comparator.comparing(ZkPermitQueue::sequence)).get();
    Stat stat = new Stat();
    try {
      byte[] data =
          client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(path + "/" + first);
      return new Candidacy.Seen(data, stat.getCzxid());
    } catch (KeeperException.NoNodeException e) {
      return readFirst(); // left in between; the children watch has fired too
    }
  }

  void watch(Runnable changed) {
    watchers.add(changed);
  }

  void unwatch(Runnable changed) {
    watchers.remove(changed);
  }

  void connectionState(ConnectionState state) {
    for (ZkPermit permit : granted) {
      permit.connectionState(state);
    }
    if (state == ConnectionState.RECONNECTED || state == ConnectionState.LOST) {
      // A waiting claim's watch may have missed the change; after an expiry its node is gone.
      claims.forEach(ZkClaim::wake);
    }
    if (state == ConnectionState.RECONNECTED) {
      watchers.forEach(Runnable::run); // after an expired session the watches are gone: set anew
    }
  }

  void forget(ZkPermit permit) {
    granted.remove(permit);
  }

  void forget(ZkClaim claim) {
    claims.remove(claim);
  }

  PermitNodes nodes() {
    return nodes;
  }

  void delete(String node) {
    try {
      // Guaranteed: retried in the background until done, even across a reconnection.
      client.delete().guaranteed().inBackground().forPath(node);
    } catch (Exception e) {
      log.warn("could not delete {} of {}; its session's end will", node, this, e);
    }
  }

  CuratorFramework client() {
    return client;
  }

  java.util.concurrent.Executor pool() {
    return recipes.pool();
  }

  void close() {
    QuorateException closed = new QuorateException(ErrorCode.CLOSED, "lock manager closed");
    claims.forEach(claim -> claim.request.completeExceptionally(closed));
    granted.forEach(permit -> permit.end(LeaseState.LOST, "lock manager closed"));
  }

  static RuntimeException failure(Throwable e) {
    if (e instanceof QuorateException quorate) {
      return quorate;
    }
    return new QuorateException(ErrorCode.CONNECTION_LOSS, "ZooKeeper call failed: " + e, e);
  }

  @Override
  public String toString() {
    return "semaphore '" + name + "' (" + permits + " permits, " + path + ")";
  }
}
