package dev.quorate.samples.ledger;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a duration such as {@code 4s} or {@code 2500ms} from the command line. */
final class ShortDuration implements ITypeConverter<Duration> {
  private static final Pattern FORM = Pattern.compile("(\\d{1,6})(ms|s)");

  @Override
  public Duration convert(String value) {
    Matcher match = FORM.matcher(value);
    if (!match.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration: expected a number and ms or s, e.g. 4s or 2500ms");
    }
    long amount = Long.parseLong(match.group(1));
    Duration duration =
        match.group(2).equals("s") ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
    if (duration.compareTo(Duration.ofSeconds(1)) < 0
        || duration.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new TypeConversionException(
          "session timeout '" + value + "' is out of range: give 1s to 60s");
    }
    return duration;
  }
}
