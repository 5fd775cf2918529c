package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;

/** Creates and connects the Curator client of a manager. */
public final class CuratorClients {
  private CuratorClients() {}

  /**
   * Creates a client, not yet started.
   *
   * @param connectString the servers
   * @param sessionTimeout the session timeout asked for
   * @param connectionTimeout how long one attempt waits for a connection
   * @param auth authentication to add to the session
   * @param clientProperties ZooKeeper client properties, e.g. TLS
   * @param acls the ACL of nodes created, or null for open nodes
   * @return the client
   */
  public static CuratorFramework create(
      String connectString,
      Duration sessionTimeout,
      Duration connectionTimeout,
      List<AuthInfo> auth,
      Map<String, String> clientProperties,
      List<ACL> acls) {
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(Math.toIntExact(sessionTimeout.toMillis()))
            .connectionTimeoutMs(Math.toIntExact(connectionTimeout.toMillis()))
            // Protected creates make retries safe; about 20 s of retries spans a leader election.
            .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 25));
    if (!auth.isEmpty()) {
      builder.authorization(auth);
    }
    if (!clientProperties.isEmpty()) {
      ZKClientConfig config = new ZKClientConfig();
      clientProperties.forEach(config::setProperty);
      builder.zkClientConfig(config);
    }
    if (acls != null) {
      builder.aclProvider(
          new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
              return acls;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
              return acls;
            }
          });
    }
    return builder.build();
  }

  /**
   * Returns the id of the client's current session.
   *
   * @param client the client
   * @return the session id, or 0 while the client has no ZooKeeper handle
   */
  public static long sessionId(CuratorFramework client) {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return 0;
    }
  }

  /**
   * Starts the client if needed, waits for a connection, and creates the root path.
   *
   * @param client the client
   * @param timeout how long to wait for the connection
   * @param root the root path
   * @throws InterruptedException if interrupted
   * @throws QuorateException with {@link ErrorCode#CONNECTION_LOSS} if no connection in time
   */
  public static void connect(CuratorFramework client, Duration timeout, String root)
      throws InterruptedException {
    if (client.getState() == CuratorFrameworkState.LATENT) {
      client.start();
    }
    if (!client.blockUntilConnected(Math.toIntExact(timeout.toMillis()), TimeUnit.MILLISECONDS)) {
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS,
          "no ZooKeeper server of '"
              + client.getZookeeperClient().getCurrentConnectionString()
              + "' answered within "
              + timeout);
    }
    try {
      // Creating the session was itself a quorum write, so the ensemble serves by now.
      client.createContainers(root);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw ZkNodes.failure("create the lock root " + root, e);
    }
  }
}
