package dev.quorate.lock.spi;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings a {@link dev.quorate.lock.LockManagerProvider} is given: typed reads that name the
 * key in every error, and the check that refuses a key the provider does not read (a misspelt
 * setting must not be ignored silently).
 *
 * <pre>{@code
 * public LockManager create(Map<String, String> settings) {
 *   ProviderSettings.rejectUnknown(name(), settings, Set.of("quorate.lock.acme.url"));
 *   String url = ProviderSettings.required(settings, "quorate.lock.acme.url");
 *   ...
 * }
 * }</pre>
 */
public final class ProviderSettings {
  /** The key that names the provider; every provider is given it. */
  public static final String PROVIDER_KEY = "quorate.lock.provider";

  private ProviderSettings() {}

  /**
   * Returns a required, non-blank setting.
   *
   * @param settings the settings
   * @param key the key
   * @return the value
   * @throws ConfigurationException if it is missing or blank
   */
  public static String required(Map<String, String> settings, String key) {
    String value = settings.get(key);
    if (value == null || value.isBlank()) {
      throw new ConfigurationException(key + " is required but not set");
    }
    return value.strip();
  }

  /**
   * Reads an optional duration: {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601
   * such as {@code PT10S}.
   *
   * @param settings the settings
   * @param key the key
   * @return the duration, if set
   * @throws ConfigurationException if it is set but not a positive duration
   */
  public static Optional<Duration> duration(Map<String, String> settings, String key) {
    String value = settings.get(key);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String text = value.strip().toLowerCase(Locale.ROOT);
    Duration parsed;
    try {
      if (text.startsWith("pt") || text.startsWith("p")) {
        parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
      } else if (text.endsWith("ms")) {
        parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      } else if (text.endsWith("s")) {
        parsed = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
      } else if (text.endsWith("m")) {
        parsed = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      } else if (text.endsWith("h")) {
        parsed = Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
      } else {
        parsed = null;
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      parsed = null;
    }
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      throw new ConfigurationException(
          key + "=" + value + " is not a positive duration; use e.g. 250ms, 10s, 2m, 1h or PT10S");
    }
    return Optional.of(parsed);
  }

  /**
   * Rejects any setting outside {@code known}, naming it.
   *
   * @param provider the provider's name, for the message
   * @param settings the settings given
   * @param known the keys the provider reads, besides {@link #PROVIDER_KEY}
   * @throws ConfigurationException naming the first unknown key
   */
  public static void rejectUnknown(
      String provider, Map<String, String> settings, Set<String> known) {
    for (String key : new TreeSet<>(settings.keySet())) {
      if (!key.equals(PROVIDER_KEY) && !known.contains(key)) {
        throw new ConfigurationException(
            "unknown setting "
                + key
                + " for lock provider "
                + provider
                + "; known: "
                + (known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known))));
      }
    }
  }
}
