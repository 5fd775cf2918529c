/**
 * Lock managers on Apache ZooKeeper: single (SLM), redundant (RLM) and distributed (DLM), behind
 * the {@link dev.quorate.lock.LockManager} API.
 *
 * <p>Start with {@link dev.quorate.zk.ZkLockManager#builder()}. For a distributed lock manager,
 * every member starts an {@link dev.quorate.zk.EmbeddedPeer} and builds its manager on it.
 *
 * <pre>{@code
 * ZkLockManager manager = ZkLockManager.builder().connectString("localhost:2181").build();
 * }</pre>
 */
package dev.quorate.zk;
