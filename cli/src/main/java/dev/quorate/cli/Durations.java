package dev.quorate.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/** Durations as the properties files write them: {@code 250ms}, {@code 10s}, {@code 2m} or ISO. */
final class Durations {
  /**
   * Parses a positive duration.
   *
   * @param what the option or key, for the error
   * @param value the text
   * @return the duration
   * @throws CommandFailure with {@link ExitCode#USAGE} naming the value if it is not one
   */
  static Duration parse(String what, String value) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    Duration parsed = null;
    try {
      if (text.startsWith("p")) {
        parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
      } else if (text.endsWith("ms")) {
        parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      } else if (text.endsWith("s")) {
        parsed = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
      } else if (text.endsWith("m")) {
        parsed = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      parsed = null;
    }
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      throw new CommandFailure(
          ExitCode.USAGE,
          what + " '" + value + "' is not a positive duration; use e.g. 500ms, 5s, 2m or PT5S");
    }
    return parsed;
  }

  /**
   * Describes a duration as people write it.
   *
   * @param d the duration
   * @return e.g. {@code 5s} or {@code 250ms}
   */
  static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private Durations() {}

  /** For picocli, which instantiates converters by reflection. */
  static final class Converter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parse("duration", value);
    }
  }
}
