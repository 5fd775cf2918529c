package dev.quorate.lock.internal;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads typed values from configuration settings, naming the key in every error. */
public final class SettingValues {
  private SettingValues() {}

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
}
