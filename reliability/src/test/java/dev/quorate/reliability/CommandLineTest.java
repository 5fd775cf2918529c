package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad arguments fail fast, exit 2, and name the value. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CommandLineTest {
  private static String errorOf(String... args) {
    CommandLine cl = Chaos.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute(args)).isEqualTo(2);
    return err.toString();
  }

  @Test
  void aNonPositiveDurationIsRefusedByName() {
    assertThat(errorOf("run", "--minutes", "0")).contains("--minutes must be > 0, got 0.0");
  }

  @Test
  void aSessionTheServersWouldNotGrantIsRefused() {
    assertThat(errorOf("run", "--session", "30s")).contains("--session 30000ms is outside 1s..10s");
  }

  @Test
  void anEnsembleSizeOtherThanThreeOrFiveIsRefused() {
    assertThat(errorOf("run", "--servers", "4")).contains("--servers must be 3 or 5, got 4");
  }

  @Test
  void aZooKeeperVersionWithoutServersIsRefusedWithThoseAvailable() {
    assertThat(errorOf("run", "--zookeeper", "3.4.14"))
        .contains("--zookeeper 3.4.14 is not available; available: [" + ZkServers.builtIn());
    assertThat(errorOf("run", "--control-zookeeper", "3.7"))
        .contains("--control-zookeeper 3.7 is not available");
  }

  @Test
  void aDurationWithoutUnitIsRefusedWithAnExample() {
    assertThat(errorOf("run", "--gap", "5")).contains("'5' is not a duration").contains("e.g. 4s");
  }

  @Test
  void runRefusesADirectoryThatAlreadyHoldsARun(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("fenced"));
    assertThat(errorOf("run", "--dir", dir.toString())).contains("already holds a run");
  }

  @Test
  void checkRefusesADirectoryThatIsNoRun() {
    assertThat(errorOf("check", "/")).contains("'/' is not a run directory");
  }

  @Test
  void qdiskRefusesNegativeMinutes() {
    assertThat(errorOf("qdisk", "--minutes", "-1")).contains("--minutes must be > 0, got -1.0");
  }
}
