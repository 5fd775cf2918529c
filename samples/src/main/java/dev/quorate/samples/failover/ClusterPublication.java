package dev.quorate.samples.failover;

import dev.quorate.fence.Occupant;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumService;
import dev.quorate.zk.ZkFenceCoordinator;
import dev.quorate.zk.ZkHostInventory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * What a host's cluster manager publishes on the lock server for everyone else to read (other
 * clusters' fence guards, and operators with {@code bin/quorate status}): its place in the shared
 * host inventory with its cluster's quorum view, and the cluster's fence history and claims through
 * a {@link ZkFenceCoordinator}. One ZooKeeper session of its own, with the lock manager's timeout:
 * after a {@code kill -9} the host shows as disconnected once that session expires.
 */
final class ClusterPublication implements AutoCloseable {
  private final CuratorFramework client;
  private final ZkHostInventory inventory;
  private final ZkHostInventory.Publication publication;
  private final ZkFenceCoordinator coordinator;

  private ClusterPublication(
      CuratorFramework client,
      ZkHostInventory inventory,
      ZkHostInventory.Publication publication,
      ZkFenceCoordinator coordinator) {
    this.client = client;
    this.inventory = inventory;
    this.publication = publication;
    this.coordinator = coordinator;
  }

  /**
   * Connects, publishes this host as a member of {@link HostAgent#CLUSTER}, and starts following
   * its quorum.
   *
   * @param config the host's configuration
   * @param quorum the host's quorum service
   * @return the publication
   * @throws InterruptedException if interrupted while connecting
   */
  static ClusterPublication open(HostConfig config, QuorumService quorum)
      throws InterruptedException {
    int session = Math.toIntExact(DemoTiming.ZK_SESSION.toMillis());
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(
            config.zk(), session, session, new ExponentialBackoffRetry(100, 3));
    client.start();
    try {
      ZkHostInventory inventory = ZkHostInventory.builder(client).build();
      // Physical/physical: each member is a host of its own, named like it.
      ZkHostInventory.Publication publication =
          inventory.publish(
              new Occupant(
                  HostAgent.CLUSTER, config.host(), config.host(), 1, Occupant.Role.ACTIVE));
      Map<MemberId, String> names = new LinkedHashMap<>();
      config.members().forEach((name, id) -> names.put(MemberId.of(id), name));
      publication.followQuorum(quorum, names);
      ZkFenceCoordinator coordinator =
          ZkFenceCoordinator.builder(client, HostAgent.CLUSTER, config.host()).build();
      return new ClusterPublication(client, inventory, publication, coordinator);
    } catch (RuntimeException | InterruptedException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Returns the coordinator whose history every host's fencer shares.
   *
   * @return the coordinator
   */
  ZkFenceCoordinator fenceCoordinator() {
    return coordinator;
  }

  /** Leaves in order: deletes this host's inventory entry, then ends the session. */
  @Override
  public void close() {
    publication.close();
    inventory.close();
    client.close();
  }
}
