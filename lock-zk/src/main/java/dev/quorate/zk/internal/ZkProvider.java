package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockManagerProvider;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.internal.ProviderSelection;
import dev.quorate.lock.internal.SettingValues;
import dev.quorate.zk.ZkLockManager;
import dev.quorate.zk.ZkLockManagerBuilder;
import dev.quorate.zk.ZkSecurity;
import java.util.Map;
import java.util.Set;

/**
 * {@code quorate.lock.provider=zookeeper}: a {@link ZkLockManager} on the servers of {@code
 * quorate.lock.zookeeper.connect} (one server: SLM; three or five: RLM).
 */
public final class ZkProvider implements LockManagerProvider {
  static final String CONNECT = "quorate.lock.zookeeper.connect";
  static final String ROOT = "quorate.lock.zookeeper.root";
  static final String SESSION_TIMEOUT = "quorate.lock.zookeeper.session-timeout";
  static final String CONNECTION_TIMEOUT = "quorate.lock.zookeeper.connection-timeout";
  static final String DIGEST_USER = "quorate.lock.zookeeper.digest.user";
  static final String DIGEST_PASSWORD = "quorate.lock.zookeeper.digest.password";

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public ZkProvider() {}

  @Override
  public String name() {
    return "zookeeper";
  }

  @Override
  public LockManager create(Map<String, String> settings) {
    ProviderSelection.rejectUnknown(
        name(),
        settings,
        Set.of(CONNECT, ROOT, SESSION_TIMEOUT, CONNECTION_TIMEOUT, DIGEST_USER, DIGEST_PASSWORD));
    ZkLockManagerBuilder builder =
        ZkLockManager.builder().connectString(SettingValues.required(settings, CONNECT));
    if (settings.containsKey(ROOT)) {
      builder.rootPath(settings.get(ROOT));
    }
    SettingValues.duration(settings, SESSION_TIMEOUT).ifPresent(builder::sessionTimeout);
    SettingValues.duration(settings, CONNECTION_TIMEOUT).ifPresent(builder::connectionTimeout);
    if (settings.containsKey(DIGEST_USER) || settings.containsKey(DIGEST_PASSWORD)) {
      builder.security(
          ZkSecurity.builder()
              .digest(
                  SettingValues.required(settings, DIGEST_USER),
                  SettingValues.required(settings, DIGEST_PASSWORD))
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
