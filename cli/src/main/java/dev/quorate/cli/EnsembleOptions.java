package dev.quorate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the ensemble is and how to prove who we are. Secrets never come from the command line,
 * where {@code ps} and {@code /proc} show them to every user: digest credentials come from the
 * {@code --config} file, a file named by {@code --digest-file}, or the environment variable {@value
 * #DIGEST_ENV}; SASL from the JAAS file named by {@code --jaas}.
 */
final class EnsembleOptions {
  /** The environment variable holding {@code user:password} for ZooKeeper's digest scheme. */
  static final String DIGEST_ENV = "QUORATE_ZK_DIGEST";

  static final String CONNECT_KEY = "quorate.lock.zookeeper.connect";
  static final String TIMEOUT_KEY = "quorate.lock.zookeeper.connection-timeout";
  static final String USER_KEY = "quorate.lock.zookeeper.digest.user";
  static final String PASSWORD_KEY = "quorate.lock.zookeeper.digest.password";

  @Option(
      names = "--connect",
      paramLabel = "HOST:PORT[,...]",
      description = "the ZooKeeper ensemble (or quorate.lock.zookeeper.connect in --config)")
  String connect;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "the properties file LockManager.open reads (quorate.lock.zookeeper.connect,"
              + " .connection-timeout, .digest.user, .digest.password)")
  Path config;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "how long to wait for the ensemble (default: 5s)")
  Duration timeout;

  @Option(
      names = "--digest-file",
      paramLabel = "FILE",
      description =
          "a file holding user:password for ZooKeeper's digest scheme (or $" + DIGEST_ENV + ")")
  Path digestFile;

  @Option(
      names = "--jaas",
      paramLabel = "FILE",
      description = "a JAAS file with a 'Client' section, for SASL (Kerberos or DIGEST-MD5)")
  Path jaas;

  /**
   * Resolves the options, the file and the environment into what {@link Ensemble#open} needs.
   *
   * @param environment the process environment
   * @return the settings
   * @throws CommandFailure with {@link ExitCode#USAGE} naming what is missing or malformed
   */
  EnsembleSettings resolve(Map<String, String> environment) {
    Properties file = config == null ? new Properties() : load(config);
    String provider = file.getProperty("quorate.lock.provider", "zookeeper").strip();
    if (!provider.equals("zookeeper")) {
      throw new CommandFailure(
          ExitCode.USAGE,
          config + " sets quorate.lock.provider=" + provider + "; quorate reads ZooKeeper only");
    }
    String where = connect != null ? connect : file.getProperty(CONNECT_KEY);
    if (where == null || where.isBlank()) {
      throw new CommandFailure(
          ExitCode.USAGE,
          "no ensemble given: use --connect host:port[,host:port...] or --config FILE with "
              + CONNECT_KEY);
    }
    Duration wait = timeout;
    if (wait == null && file.getProperty(TIMEOUT_KEY) != null) {
      wait = Durations.parse(TIMEOUT_KEY, file.getProperty(TIMEOUT_KEY));
    }
    return new EnsembleSettings(
        where.strip(),
        wait == null ? Duration.ofSeconds(5) : wait,
        digest(file, environment),
        jaas);
  }

  private String digest(Properties file, Map<String, String> environment) {
    if (digestFile != null) {
      try {
        return requireDigest(
            "--digest-file " + digestFile,
            Files.readString(digestFile, StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        throw new CommandFailure(
            ExitCode.USAGE, "cannot read the digest file " + digestFile + ": " + e.getMessage(), e);
      }
    }
    String user = file.getProperty(USER_KEY);
    String password = file.getProperty(PASSWORD_KEY);
    if (user != null || password != null) {
      if (user == null || password == null) {
        throw new CommandFailure(
            ExitCode.USAGE, config + " must set both " + USER_KEY + " and " + PASSWORD_KEY);
      }
      return requireDigest(config + "'s " + USER_KEY, user.strip() + ":" + password);
    }
    String fromEnvironment = environment.get(DIGEST_ENV);
    return fromEnvironment == null || fromEnvironment.isEmpty()
        ? null
        : requireDigest("$" + DIGEST_ENV, fromEnvironment);
  }

  private static String requireDigest(String source, String value) {
    int colon = value.indexOf(':');
    if (colon < 1 || colon == value.length() - 1) {
      // Never echo the value: it is a password.
      throw new CommandFailure(
          ExitCode.USAGE, source + " must hold user:password (both non-empty)");
    }
    return value;
  }

  private static Properties load(Path file) {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new CommandFailure(
          ExitCode.USAGE, "cannot read the configuration file " + file + ": " + e.getMessage(), e);
    }
    return properties;
  }
}
