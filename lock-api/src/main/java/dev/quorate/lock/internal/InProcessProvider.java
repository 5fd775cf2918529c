package dev.quorate.lock.internal;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockManagerProvider;
import dev.quorate.lock.spi.ProviderSettings;
import java.util.Map;
import java.util.Set;

/** {@code quorate.lock.provider=in-process}: the in-process manager; it takes no settings. */
public final class InProcessProvider implements LockManagerProvider {
  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public InProcessProvider() {}

  @Override
  public String name() {
    return "in-process";
  }

  @Override
  public LockManager create(Map<String, String> settings) {
    ProviderSettings.rejectUnknown(name(), settings, Set.of());
    return new InProcessLockManager();
  }
}
