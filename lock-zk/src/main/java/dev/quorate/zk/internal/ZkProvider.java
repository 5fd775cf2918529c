package dev.quorate.zk.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockManagerProvider;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.ProviderSettings;
import dev.quorate.zk.ZkLockManager;
import dev.quorate.zk.ZkLockManagerBuilder;
import dev.quorate.zk.ZkSecurity;
import java.util.Map;
import java.util.Set;

/**
 * {@code quorate.lock.provider=zookeeper}: a {@link ZkLockManager} on the servers of {@code
 * quorate.lock.zookeeper.connect} (one server: SLM; three or five: RLM). {@code
 * quorate.lock.zookeeper.cohorting=true} and {@code quorate.lock.zookeeper.local-handoff-bound} set
 * {@link ZkLockManagerBuilder#cohorting} and {@link ZkLockManagerBuilder#localHandoffBound}; {@code
 * quorate.lock.zookeeper.member} sets {@link ZkLockManagerBuilder#member}.
 */
public final class ZkProvider implements LockManagerProvider {
  static final String CONNECT = "quorate.lock.zookeeper.connect";
  static final String ROOT = "quorate.lock.zookeeper.root";
  static final String SESSION_TIMEOUT = "quorate.lock.zookeeper.session-timeout";
  static final String CONNECTION_TIMEOUT = "quorate.lock.zookeeper.connection-timeout";
  static final String DIGEST_USER = "quorate.lock.zookeeper.digest.user";
  static final String DIGEST_PASSWORD = "quorate.lock.zookeeper.digest.password";
  static final String COHORTING = "quorate.lock.zookeeper.cohorting";
  static final String LOCAL_HANDOFF_BOUND = "quorate.lock.zookeeper.local-handoff-bound";
  static final String MEMBER = "quorate.lock.zookeeper.member";

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public ZkProvider() {}

  private static boolean flag(Map<String, String> settings, String key) {
    String value = settings.get(key).strip();
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new ConfigurationException(key + "=" + value + " is not true or false");
  }

  private static int count(Map<String, String> settings, String key) {
    String value = settings.get(key).strip();
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below, with the key
    }
    throw new ConfigurationException(key + "=" + value + " is not a whole number of 0 or more");
  }

  @Override
  public String name() {
    return "zookeeper";
  }

  @Override
  public LockManager create(Map<String, String> settings) {
    ProviderSettings.rejectUnknown(
        name(),
        settings,
        Set.of(
            CONNECT,
            ROOT,
            SESSION_TIMEOUT,
            CONNECTION_TIMEOUT,
            DIGEST_USER,
            DIGEST_PASSWORD,
            COHORTING,
            LOCAL_HANDOFF_BOUND,
            MEMBER));
    ZkLockManagerBuilder builder =
        ZkLockManager.builder().connectString(ProviderSettings.required(settings, CONNECT));
    if (settings.containsKey(ROOT)) {
      builder.rootPath(settings.get(ROOT));
    }
    ProviderSettings.duration(settings, SESSION_TIMEOUT).ifPresent(builder::sessionTimeout);
    ProviderSettings.duration(settings, CONNECTION_TIMEOUT).ifPresent(builder::connectionTimeout);
    if (settings.containsKey(COHORTING)) {
      builder.cohorting(flag(settings, COHORTING));
    }
    if (settings.containsKey(LOCAL_HANDOFF_BOUND)) {
      builder.localHandoffBound(count(settings, LOCAL_HANDOFF_BOUND));
    }
    if (settings.containsKey(MEMBER)) {
      builder.member(settings.get(MEMBER).strip());
    }
    if (settings.containsKey(DIGEST_USER) || settings.containsKey(DIGEST_PASSWORD)) {
      builder.security(
          ZkSecurity.builder()
              .digest(
                  ProviderSettings.required(settings, DIGEST_USER),
                  ProviderSettings.required(settings, DIGEST_PASSWORD))
              .build());
    }
    try {
      return builder.build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS, "interrupted while connecting to " + settings.get(CONNECT), e);
    }
  }
}
