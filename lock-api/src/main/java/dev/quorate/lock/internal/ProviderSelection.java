package dev.quorate.lock.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockManagerProvider;
import dev.quorate.lock.spi.ProviderSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;

/** Picks the {@link LockManagerProvider} a configuration names. */
public final class ProviderSelection {
  private static final String PROVIDER_KEY = ProviderSettings.PROVIDER_KEY;

  private static final String PREFIX = "quorate.lock.";

  private ProviderSelection() {}

  /**
   * Creates the manager {@code config} names.
   *
   * @param config the configuration
   * @return the manager
   * @throws ConfigurationException if no installed provider matches
   */
  public static LockManager open(Properties config) {
    Map<String, String> settings = new TreeMap<>();
    for (String key : config.stringPropertyNames()) {
      if (key.startsWith(PREFIX)) {
        settings.put(key, config.getProperty(key).strip());
      }
    }
    String wanted = settings.get(PROVIDER_KEY);
    TreeSet<String> installed = new TreeSet<>();
    TreeSet<String> broken = new TreeSet<>();
    var providers = ServiceLoader.load(LockManagerProvider.class).stream().iterator();
    while (providers.hasNext()) {
      LockManagerProvider provider;
      try {
        provider = providers.next().get();
      } catch (ServiceConfigurationError e) {
        // One broken jar on the class path must not hide the providers that work.
        broken.add(e.getMessage());
        continue;
      }
      if (provider.name().equals(wanted)) {
        return provider.create(Map.copyOf(settings));
      }
      installed.add(provider.name());
    }
    throw new ConfigurationException(
        (wanted == null || wanted.isEmpty()
                ? PROVIDER_KEY + " is not set"
                : PROVIDER_KEY + "=" + wanted + " names no installed provider")
            + "; installed: "
            + String.join(", ", installed)
            + (installed.contains("zookeeper") ? "" : " (zookeeper needs quorate-lock-zk)")
            + (broken.isEmpty() ? "" : "; failed to load: " + String.join("; ", broken)));
  }

  /**
   * Reads a properties file as UTF-8.
   *
   * @param file the file
   * @return its properties
   * @throws ConfigurationException if it cannot be read
   */
  public static Properties read(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigurationException(
          "cannot read lock configuration " + file.toAbsolutePath() + ": " + e.getMessage());
    }
    return properties;
  }
}
