package dev.quorate.zk.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * Lists what a lock space holds in ZooKeeper, for tools: the resources with a container node under
 * the lock root, and the elections under {@code <root>.elections}. Reads only.
 */
public final class LockSpaceNodes {
  private LockSpaceNodes() {}

  /**
   * The resources with a container under {@code root}, in name order.
   *
   * @param client a started client
   * @param root the lock root
   * @return the decoded resource names; empty if the root does not exist
   * @throws dev.quorate.lock.QuorateException if ZooKeeper fails
   */
  public static List<String> resources(CuratorFramework client, String root) {
    return names(client, root, "list the lock resources under " + root);
  }

  /**
   * The elections of the lock space at {@code root}, in name order.
   *
   * @param client a started client
   * @param root the lock root
   * @return the decoded election names; empty if none was ever held
   * @throws dev.quorate.lock.QuorateException if ZooKeeper fails
   */
  public static List<String> elections(CuratorFramework client, String root) {
    String path = root + ZkRecipes.ELECTIONS;
    return names(client, path, "list the elections under " + path);
  }

  private static List<String> names(CuratorFramework client, String path, String what) {
    List<String> children;
    try {
      children = client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException none) {
      return List.of();
    } catch (Exception e) {
      throw ZkNodes.failure(what, e);
    }
    List<String> names = new ArrayList<>();
    children.forEach(c -> ResourcePaths.decode(c).ifPresent(names::add));
    names.sort(null);
    return names;
  }
}
