package dev.quorate.zk;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.zk.internal.CuratorClients;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * The ZooKeeper clients the builders of this package create (lock manager, membership, arbiter):
 * one place that applies a {@link ZkSecurity} and keeps the connection timeout at or below the
 * session timeout.
 */
final class ZkClients {
  private ZkClients() {}

  /**
   * Creates a client, not yet started, that authenticates as {@code security} says and gives the
   * nodes it creates {@link #acls(ZkSecurity)}.
   */
  static CuratorFramework create(
      String servers, Duration sessionTimeout, Duration connectionTimeout, ZkSecurity security) {
    List<AuthInfo> auth = new ArrayList<>();
    if (security.digestUser() != null) {
      String credentials = security.digestUser() + ":" + security.digestPassword();
      auth.add(new AuthInfo("digest", credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return CuratorClients.create(
        servers,
        sessionTimeout,
        clientConnectionTimeout(sessionTimeout, connectionTimeout),
        auth,
        security.clientProperties(),
        acls(security));
  }

  /**
   * The connection timeout of a client a builder creates: never above the session timeout. An
   * attempt outlasting the session could only find it expired, and Curator warns about it.
   */
  static Duration clientConnectionTimeout(Duration sessionTimeout, Duration connectionTimeout) {
    return connectionTimeout.compareTo(sessionTimeout) > 0 ? sessionTimeout : connectionTimeout;
  }

  /** The ACL of created nodes: the configured identities get everything; null for open nodes. */
  static List<ACL> acls(ZkSecurity security) {
    if (!security.restrictsAccess()) {
      return null;
    }
    List<ACL> acls = new ArrayList<>();
    if (security.digestUser() != null) {
      try {
        String digest =
            DigestAuthenticationProvider.generateDigest(
                security.digestUser() + ":" + security.digestPassword());
        acls.add(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)));
      } catch (NoSuchAlgorithmException e) {
        throw new ConfigurationException("digest authentication needs SHA-1: " + e.getMessage());
      }
    }
    for (String[] grant : security.grants()) {
      acls.add(new ACL(ZooDefs.Perms.ALL, new Id(grant[0], grant[1])));
    }
    // Not List.copyOf: ZooKeeper asks the list whether it contains null, which that list refuses.
    return Collections.unmodifiableList(acls);
  }
}
