/**
 * Lock managers on Apache ZooKeeper: single (SLM), redundant (RLM) and distributed (DLM), behind
 * the {@link dev.quorate.lock.LockManager} API.
 *
 * <p>Start with {@link dev.quorate.zk.ZkLockManager#builder()}. For a distributed lock manager,
 * every member starts an {@link dev.quorate.zk.EmbeddedPeer} and builds its manager on it.
 *
 * <p>Quorum: {@link dev.quorate.zk.ZkMembership} feeds each member's {@link
 * dev.quorate.quorum.QuorumService} with the members alive in ZooKeeper (and makes a member that is
 * cut off inquorate at once), and {@link dev.quorate.zk.ZkArbiter} decides 50:50 splits like
 * corosync-qnetd's ffsplit from a ZooKeeper witness outside the cluster. Wrap the lock manager with
 * {@link dev.quorate.quorum.QuorumGate#requireQuorum} so it grants only with quorum.
 *
 * <p>Fencing in a data center where clusters share hosts: {@link dev.quorate.zk.ZkHostInventory}
 * publishes every member's host (and follows migrations) so each cluster's fence guard counts all
 * occupants of a host, and {@link dev.quorate.zk.ZkFenceCoordinator} makes the fencers of all
 * members act as one: one fencer per target, one host-level fence in flight per cluster and per
 * host, and one fence history that survives restarts.
 *
 * <pre>{@code
 * ZkLockManager manager = ZkLockManager.builder().connectString("localhost:2181").build();
 * }</pre>
 */
package dev.quorate.zk;
