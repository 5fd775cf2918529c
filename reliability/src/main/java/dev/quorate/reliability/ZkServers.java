package dev.quorate.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.zookeeper.Version;

/**
 * The ZooKeeper server versions a run can use. The servers are separate processes, so their class
 * path is their own: the version this module is built with runs from the module's class path;
 * another one (3.8) from its jars, which the build copies into {@code
 * target/zookeeper-servers/<version>/} and which the system property {@value #LIBS} points to.
 * Those jars go first on the class path, so every ZooKeeper class comes from them; the rest (SLF4J,
 * Logback, Netty, metrics) comes from the module's class path.
 */
final class ZkServers {
  static final String LIBS = "quorate.chaos.zookeeper-libs";

  private ZkServers() {}

  /** The version the module is built with, e.g. 3.9.5. */
  static String builtIn() {
    return Version.getFullVersion().split("-")[0];
  }

  /** Every version a run can use, the built-in one first. */
  static List<String> available() throws IOException {
    List<String> versions = new ArrayList<>(List.of(builtIn()));
    Path libs = libs();
    if (libs != null && Files.isDirectory(libs)) {
      try (Stream<Path> dirs = Files.list(libs)) {
        dirs.filter(Files::isDirectory)
            .map(d -> d.getFileName().toString())
            .sorted()
            .forEach(versions::add);
      }
    }
    return versions;
  }

  /**
   * The class path of the servers of {@code version}.
   *
   * @throws IllegalArgumentException naming the version and those available, if it is not
   */
  static String classPath(String version) throws IOException {
    String own = System.getProperty("java.class.path");
    if (version.equals(builtIn())) {
      return own;
    }
    Path dir = libs() == null ? null : libs().resolve(version);
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "ZooKeeper "
              + version
              + " is not available; available: "
              + available()
              + " (other versions are copied to target/zookeeper-servers by the build)");
    }
    List<String> entries = new ArrayList<>();
    try (Stream<Path> jars = Files.list(dir)) {
      jars.filter(j -> j.toString().endsWith(".jar"))
          .sorted()
          .forEach(j -> entries.add(j.toString()));
    }
    for (String entry : own.split(File.pathSeparator)) {
      // The module's own ZooKeeper jars would mix two versions; a shaded jar cannot be split, but
      // the version's jars come first and win for every class they hold.
      String name = Path.of(entry).getFileName().toString();
      if (!name.startsWith("zookeeper-")) {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static Path libs() {
    String p = System.getProperty(LIBS);
    return p == null || p.isBlank() ? null : Path.of(p);
  }
}
