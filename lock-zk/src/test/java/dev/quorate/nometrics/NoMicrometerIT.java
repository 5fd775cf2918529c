package dev.quorate.nometrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Micrometer is optional: lock-api and lock-zk resolve as named modules and lock, inspect and
 * revoke with no Micrometer anywhere in the JVM. The modules and the automatic modules they require
 * go on the module path; everything else of the test's class path but Micrometer and its own
 * dependencies on the class path (zookeeper-jute must stay there, see lock-zk's module-info).
 */
@Timeout(120)
class NoMicrometerIT {
  private static final List<String> MODULES =
      List.of(
          "/lock-api/target/",
          "/lock-zk/target/",
          "/fencing-spi/target/",
          "/curator-framework-",
          "/curator-client-",
          "/zookeeper-3",
          "/slf4j-api-");
  private static final List<String> MEASURING =
      List.of("micrometer-", "HdrHistogram", "LatencyUtils", "prometheus-metrics-");

  @Test
  void locksInspectsAndRevokesWithoutMicrometer() throws Exception {
    List<String> modulePath = new ArrayList<>();
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String path = Path.of(entry).toString().replace(File.separatorChar, '/');
      if (MEASURING.stream().anyMatch(path::contains)) {
        continue;
      }
      boolean tests = path.contains("test-classes") || path.endsWith("-tests.jar");
      (!tests && MODULES.stream().anyMatch(path::contains) ? modulePath : classPath).add(entry);
    }
    assertThat(modulePath).hasSize(MODULES.size());
    try (TestingServer server = new TestingServer(true)) {
      Process probe =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "--module-path",
                  String.join(File.pathSeparator, modulePath),
                  "--add-modules",
                  "dev.quorate.zk",
                  "--add-reads",
                  "dev.quorate.zk=ALL-UNNAMED",
                  "-cp",
                  String.join(File.pathSeparator, classPath),
                  NoMicrometerProbe.class.getName(),
                  server.getConnectString())
              .redirectErrorStream(true)
              .start();
      byte[] output = probe.getInputStream().readAllBytes();
      assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String text = new String(output, StandardCharsets.UTF_8);
      assertThat(probe.exitValue()).as(text).isZero();
      assertThat(text)
          .as(text)
          .contains("micrometer module: false, class: false")
          .contains("quorate modules: dev.quorate.lock dev.quorate.zk")
          .contains("in-process: LOST")
          .contains("zookeeper holders: 1");
      assertThat(Arrays.asList(text.split("\n"))).noneMatch(l -> l.contains("Exception"));
    }
  }
}
