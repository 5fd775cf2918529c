package dev.quorate.zk.internal;

import dev.quorate.quorum.MemberId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The arbiter's nodes on a ZooKeeper witness: one ephemeral report per member session under {@code
 * root/reports}, and the ephemeral vote token {@code root/vote}.
 */
final class ZkWitness implements Witness {
  private static final Logger log = LoggerFactory.getLogger(ZkWitness.class);

  private final CuratorFramework client;
  private final String reportsPath;
  private final String tokenPath;
  private final String generationPath;
  private final MemberId local;
  private final ConnectionListeners listeners;
  // Only on the caller's (the arbiter worker's) thread:
  private volatile String reportPath;

  ZkWitness(CuratorFramework client, String root, MemberId local) {
    this.client = client;
    this.listeners = new ConnectionListeners(client);
    this.reportsPath = root + "/reports";
    this.tokenPath = root + "/vote";
    this.generationPath = root + "/vote-generation";
    this.local = local;
  }

  @Override
  public boolean isConnected() {
    return client.getZookeeperClient().isConnected();
  }

  @Override
  public void listen(Consumer<ConnectionState> listener) {
    listeners.add(listener);
  }

  @Override
  public void unlisten(Consumer<ConnectionState> listener) {
    listeners.remove(listener);
  }

  private long session() throws Exception {
    return client.getZookeeperClient().getZooKeeper().getSessionId();
  }

  @Override
  public Map<MemberId, ArbiterNodes.Stored> readReports(Runnable onChange) throws Exception {
    CuratorWatcher watcher = event -> onChange.run();
    client.createContainers(reportsPath);
    Map<MemberId, Stat> newest = new HashMap<>();
    Map<MemberId, ArbiterNodes.Stored> reports = new HashMap<>();
    for (String child : client.getChildren().usingWatcher(watcher).forPath(reportsPath)) {
      String path = reportsPath + "/" + child;
      Stat stat = new Stat();
      ArbiterNodes.Stored report;
      try {
        byte[] data = client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(path);
        report = ArbiterNodes.decodeReport(path, data);
      } catch (KeeperException.NoNodeException e) {
        continue; // gone between the listing and the read
      } catch (IllegalArgumentException e) {
        log.warn("arbiter of member {} ignores a foreign node: {}", local, e.getMessage());
        continue;
      } catch (KeeperException.NoAuthException e) {
        // Reports are readable by every member; one that is not belongs to someone else, and must
        // not stop every later decision.
        log.warn("arbiter of member {} ignores {}, which it may not read", local, path);
        continue;
      }
      // An older session's report may linger until the session expires: the newest counts.
      MemberId member = report.report().member();
      Stat seen = newest.get(member);
      if (seen == null || seen.getCzxid() < stat.getCzxid()) {
        newest.put(member, stat);
        reports.put(member, report);
      }
    }
    return reports;
  }

  @Override
  public long tokenGeneration() throws Exception {
    Stat stat = client.checkExists().forPath(generationPath);
    if (stat == null) {
      try {
        client.create().creatingParentContainersIfNeeded().forPath(generationPath);
      } catch (KeeperException.NodeExistsException e) {
        // Another member created it first.
      }
      stat = client.checkExists().forPath(generationPath);
    }
    return stat == null ? -1 : stat.getVersion();
  }

  @Override
  public Optional<TokenRead> readToken(Runnable onChange) throws Exception {
    CuratorWatcher watcher = event -> onChange.run();
    Stat stat = new Stat();
    try {
      byte[] data = client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(tokenPath);
      ArbiterNodes.Token token = ArbiterNodes.decodeToken(tokenPath, data);
      return Optional.of(
          new TokenRead(token, stat.getEphemeralOwner() == session(), stat.getVersion()));
    } catch (KeeperException.NoNodeException e) {
      if (client.checkExists().usingWatcher(watcher).forPath(tokenPath) != null) {
        onChange.run(); // created between the two calls
      }
      return Optional.empty();
    }
  }

  @Override
  public void writeReport(ArbiterNodes.Stored stored) throws Exception {
    String path = reportsPath + "/report-" + local + "-" + Long.toHexString(session());
    if (reportPath != null && !reportPath.equals(path)) {
      client.delete().quietly().forPath(reportPath); // gone with its session, normally
    }
    client
        .create()
        .orSetData()
        .creatingParentContainersIfNeeded()
        .withMode(CreateMode.EPHEMERAL)
        .forPath(path, ArbiterNodes.encode(stored));
    reportPath = path;
  }

  @Override
  public boolean createToken(ArbiterNodes.Token token, long generation) throws Exception {
    if (generation < 0) {
      return false;
    }
    try {
      // One transaction: a token created (and maybe expired) since the generation was read moved
      // it on, so an absence observed before that cannot justify this create.
      client
          .transaction()
          .forOperations(
              client
                  .transactionOp()
                  .create()
                  .withMode(CreateMode.EPHEMERAL)
                  .forPath(tokenPath, ArbiterNodes.encode(token)),
              client
                  .transactionOp()
                  .setData()
                  .withVersion(Math.toIntExact(generation))
                  .forPath(generationPath, new byte[0]));
      return true;
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
      return false;
    }
  }

  @Override
  public void deleteToken(int version) throws Exception {
    client.delete().withVersion(version).forPath(tokenPath);
  }

  @Override
  public void withdraw() {
    if (!isConnected()) {
      return; // the report and token go with the session
    }
    try {
      if (reportPath != null) {
        client.delete().quietly().forPath(reportPath);
      }
      Stat token = client.checkExists().forPath(tokenPath);
      if (token != null && token.getEphemeralOwner() == session()) {
        client.delete().quietly().withVersion(token.getVersion()).forPath(tokenPath);
      }
    } catch (Exception e) {
      log.warn("arbiter of member {} could not withdraw: {}", local, e.toString());
    }
  }
}
