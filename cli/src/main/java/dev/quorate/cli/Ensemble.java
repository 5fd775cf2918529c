package dev.quorate.cli;

import dev.quorate.zk.ZkSecurity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * One connection to the ensemble for one command (or one {@code serve}): a Curator client that
 * gives up after the connect timeout instead of retrying for ever, so an unreachable ensemble ends
 * the command with {@link ExitCode#UNREACHABLE} and a message naming the connect string.
 */
final class Ensemble implements AutoCloseable {
  private final CuratorFramework client;
  private final EnsembleSettings settings;

  private Ensemble(CuratorFramework client, EnsembleSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /**
   * Connects.
   *
   * @param settings where and how
   * @return the open connection
   * @throws CommandFailure with {@link ExitCode#UNREACHABLE} if no server answers in time, {@link
   *     ExitCode#NO_PERMISSION} if the server refuses the SASL login, {@link ExitCode#USAGE} if the
   *     connect string is malformed
   * @throws InterruptedException if interrupted while waiting
   */
  static Ensemble open(EnsembleSettings settings) throws InterruptedException {
    ZKClientConfig config = new ZKClientConfig();
    if (settings.jaas() != null) {
      // ZooKeeper's client reads SASL settings from these; they name a file, never a secret.
      System.setProperty("java.security.auth.login.config", settings.jaas().toString());
      config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
    } else {
      config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    }
    int timeoutMillis = Math.toIntExact(settings.timeout().toMillis());
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(settings.connect())
            .connectionTimeoutMs(timeoutMillis)
            .sessionTimeoutMs(Math.max(2 * timeoutMillis, 10_000))
            .zkClientConfig(config)
            .retryPolicy(new RetryOneTime(100));
    if (settings.digest() != null) {
      builder.authorization(
          List.of(new AuthInfo("digest", settings.digest().getBytes(StandardCharsets.UTF_8))));
    }
    CuratorFramework client;
    try {
      client = builder.build();
      client.start();
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(
          ExitCode.USAGE,
          "the connect string '"
              + settings.connect()
              + "' is not host:port[,host:port...]: "
              + e.getMessage(),
          e);
    }
    boolean connected;
    try {
      connected = client.blockUntilConnected(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      client.close();
      throw e;
    }
    if (!connected) {
      client.close();
      throw new CommandFailure(
          ExitCode.UNREACHABLE,
          "cannot reach the ZooKeeper ensemble at "
              + settings.connect()
              + ": no server answered within "
              + Durations.describe(settings.timeout())
              + " (is it running, is the address right? --connect, or "
              + EnsembleOptions.CONNECT_KEY
              + " in --config; --timeout waits longer)");
    }
    return new Ensemble(client, settings);
  }

  CuratorFramework client() {
    return client;
  }

  String connect() {
    return settings.connect();
  }

  /**
   * The ACLs nodes this command creates get: the digest identity it authenticated as, if any, as a
   * lock manager configured with the same credentials would give them.
   *
   * @return the security for a lock manager over {@link #client()}
   */
  ZkSecurity security() {
    String digest = settings.digest();
    if (digest == null) {
      return ZkSecurity.none();
    }
    int colon = digest.indexOf(':');
    return ZkSecurity.builder()
        .digest(digest.substring(0, colon), digest.substring(colon + 1))
        .build();
  }

  @Override
  public void close() {
    client.close();
  }
}
