/**
 * Quorate's lock managers on ZooKeeper and Curator ({@link dev.quorate.zk}): single, redundant and
 * distributed lock managers, membership, the shared host inventory and cluster-wide fence
 * coordination.
 *
 * @provides dev.quorate.lock.LockManagerProvider the ZooKeeper lock manager, {@code
 *     quorate.lock.provider=zookeeper}
 */
module dev.quorate.zk {
  requires transitive dev.quorate.lock;
  requires transitive dev.quorate
      .fence; // ZkFenceCoordinator and ZkHostInventory implement its SPIs
  // Curator and ZooKeeper ship no module descriptors: these are their automatic module names.
  requires transitive curator.framework; // ZkLockManagerBuilder.curator(CuratorFramework)
  requires curator.client;
  requires zookeeper;
  // Not `requires zookeeper.jute`: ZooKeeper 3.9 splits two packages (server.quorum,
  // server.persistence) between its two jars, so both cannot be modules. zookeeper-jute stays on
  // the class path and this module reads it as the unnamed module (javac and java:
  // --add-reads dev.quorate.zk=ALL-UNNAMED).
  requires org.slf4j;
  // Optional: only ZkLockMetrics uses it, and only when the application measures.
  requires static micrometer.core;

  exports dev.quorate.zk;

  provides dev.quorate.lock.LockManagerProvider with
      dev.quorate.zk.internal.ZkProvider;
}
