package dev.quorate.zk;

import java.time.Duration;
import java.util.Objects;

/** Checks shared by the membership's and the arbiter's builders, each naming the bad value. */
final class BuilderChecks {
  private BuilderChecks() {}

  static String connectString(String connectString) {
    Objects.requireNonNull(connectString, "connectString");
    if (connectString.isBlank()) {
      throw new IllegalArgumentException(
          "connectString must name servers, e.g. zk1:2181,zk2:2181; got '" + connectString + "'");
    }
    return connectString;
  }

  static String rootPath(String rootPath, String example) {
    Objects.requireNonNull(rootPath, "rootPath");
    if (!rootPath.startsWith("/") || rootPath.length() < 2 || rootPath.endsWith("/")) {
      throw new IllegalArgumentException(
          "rootPath must be absolute and not end in '/', e.g. "
              + example
              + "; got '"
              + rootPath
              + "'");
    }
    return rootPath;
  }

  static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }
}
