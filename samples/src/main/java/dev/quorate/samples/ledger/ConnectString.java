package dev.quorate.samples.ledger;

import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Checks a ZooKeeper connect string on the command line: {@code host:port[,host:port...]}. */
final class ConnectString implements ITypeConverter<String> {
  private static final Pattern SERVER = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:(\\d{1,5})");

  @Override
  public String convert(String value) {
    String[] servers = value.split(",", -1);
    for (String server : servers) {
      var match = SERVER.matcher(server);
      if (!match.matches()
          || Integer.parseInt(match.group(1)) < 1
          || Integer.parseInt(match.group(1)) > 65535) {
        throw new TypeConversionException(
            "'"
                + value
                + "' is not a ZooKeeper connect string: expected host:port[,host:port...] with"
                + " ports 1-65535, and '"
                + server
                + "' is not host:port");
      }
    }
    if (servers.length != 1 && servers.length != 3 && servers.length != 5) {
      throw new TypeConversionException(
          "'"
              + value
              + "' names "
              + servers.length
              + " servers; give 1 (a single lock manager) or an ensemble of 3 or 5");
    }
    return value;
  }
}
