package dev.quorate.zk;

import dev.quorate.zk.internal.LockSpaceNodes;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;

/**
 * Lists what the lock space of a {@link ZkLockManager} holds, for operators' tools: the resources
 * that have a lock queue and the elections. Reads only; inspect each with {@link
 * ZkLockManager#inspect} or {@link ZkLockManager#election}.
 *
 * <pre>{@code
 * for (String resource : ZkLockSpace.resources(curator, "/quorate/locks")) {
 *   System.out.println(manager.inspect(resource));
 * }
 * }</pre>
 *
 * <p>A resource's queue node outlives its last lease for a while (ZooKeeper deletes empty container
 * nodes lazily), so a listed resource may turn out free.
 */
public final class ZkLockSpace {
  private ZkLockSpace() {}

  /**
   * Lists the resources with a lock queue under a lock root.
   *
   * @param curator a started, connected client
   * @param rootPath the lock manager's root path (default {@code /quorate/locks})
   * @return the resource names, in name order; empty if the root does not exist
   * @throws IllegalArgumentException if the path is not absolute or ends in {@code /}
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#REFUSED} if
   *     the root's ACL refuses this client, {@link dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if
   *     ZooKeeper fails
   */
  public static List<String> resources(CuratorFramework curator, String rootPath) {
    return LockSpaceNodes.resources(
        Objects.requireNonNull(curator, "curator"),
        BuilderChecks.rootPath(rootPath, "/quorate/locks"));
  }

  /**
   * Lists the elections of the lock space at a lock root (they live under {@code
   * <rootPath>.elections}).
   *
   * @param curator a started, connected client
   * @param rootPath the lock manager's root path (default {@code /quorate/locks})
   * @return the election names, in name order; empty if none was ever campaigned for
   * @throws IllegalArgumentException if the path is not absolute or ends in {@code /}
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#REFUSED} if
   *     the ACL refuses this client, {@link dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if
   *     ZooKeeper fails
   */
  public static List<String> elections(CuratorFramework curator, String rootPath) {
    return LockSpaceNodes.elections(
        Objects.requireNonNull(curator, "curator"),
        BuilderChecks.rootPath(rootPath, "/quorate/locks"));
  }
}
