package dev.quorate.lock;

import java.util.Map;

/**
 * Creates lock managers from configuration, so cluster software can switch mechanism without code
 * changes. Implementations register in {@code
 * META-INF/services/dev.quorate.lock.LockManagerProvider} and are chosen by the {@code
 * quorate.lock.provider} key; see {@link LockManager#open}.
 *
 * <pre>{@code
 * public final class MyProvider implements LockManagerProvider {
 *   public String name() {
 *     return "my-service";
 *   }
 *
 *   public LockManager create(Map<String, String> settings) {
 *     return MyManager.connect(settings.get("quorate.lock.my-service.address"));
 *   }
 * }
 * }</pre>
 */
public interface LockManagerProvider {
  /**
   * Returns the value of {@code quorate.lock.provider} that selects this provider.
   *
   * @return a short lower-case name such as {@code in-process} or {@code zookeeper}
   */
  String name();

  /**
   * Creates a manager. Every key of the configuration that starts with {@code quorate.lock.} is
   * passed; a provider rejects keys it does not know, naming them, so typing errors surface.
   *
   * @param settings the {@code quorate.lock.*} settings, provider key included
   * @return a new, open manager
   * @throws ConfigurationException if a setting is missing, unknown or invalid
   */
  LockManager create(Map<String, String> settings);
}
