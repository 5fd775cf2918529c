package dev.quorate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where the ensemble and its credentials come from; secrets never from an option's value. */
@Timeout(10)
class EnsembleOptionsTest {
  @TempDir Path dir;

  private static EnsembleOptions options() {
    return new EnsembleOptions();
  }

  @Test
  void theConfigFileOfLockManagerOpenGivesEnsembleTimeoutAndDigest() throws Exception {
    EnsembleOptions o = options();
    o.config =
        Files.writeString(
            dir.resolve("lock.properties"),
            "quorate.lock.provider=zookeeper\n"
                + "quorate.lock.zookeeper.connect=zk1:2181,zk2:2181\n"
                + "quorate.lock.zookeeper.connection-timeout=3s\n"
                + "quorate.lock.zookeeper.digest.user=ops\n"
                + "quorate.lock.zookeeper.digest.password=s3cret\n");

    EnsembleSettings settings = o.resolve(Map.of());

    assertThat(settings.connect()).isEqualTo("zk1:2181,zk2:2181");
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.digest()).isEqualTo("ops:s3cret");
    assertThat(settings.toString()).doesNotContain("s3cret");
  }

  @Test
  void connectOverridesTheFileAndTheDigestComesFromTheEnvironment() {
    EnsembleOptions o = options();
    o.connect = "127.0.0.1:2181";

    EnsembleSettings settings = o.resolve(Map.of(EnsembleOptions.DIGEST_ENV, "ops:pw"));

    assertThat(settings.connect()).isEqualTo("127.0.0.1:2181");
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.digest()).isEqualTo("ops:pw");
  }

  @Test
  void aMalformedDigestIsRefusedWithoutEchoingIt() {
    EnsembleOptions o = options();
    o.connect = "127.0.0.1:2181";

    assertThatThrownBy(() -> o.resolve(Map.of(EnsembleOptions.DIGEST_ENV, "no-colon-secret")))
        .isInstanceOf(CommandFailure.class)
        .hasMessage("$QUORATE_ZK_DIGEST must hold user:password (both non-empty)")
        .satisfies(e -> assertThat(((CommandFailure) e).exitCode()).isEqualTo(64));
  }

  @Test
  void anotherProviderOrNoEnsembleIsAUsageError() throws Exception {
    EnsembleOptions disk = options();
    disk.config = Files.writeString(dir.resolve("disk.properties"), "quorate.lock.provider=disk\n");

    assertThatThrownBy(() -> disk.resolve(Map.of()))
        .hasMessageEndingWith("sets quorate.lock.provider=disk; quorate reads ZooKeeper only");
    assertThatThrownBy(() -> options().resolve(Map.of()))
        .hasMessageStartingWith("no ensemble given: use --connect");
  }

  @Test
  void noCommandTakesASecretAsAnOptionValue() {
    picocli.CommandLine line = new picocli.CommandLine(new Quorate());
    java.util.List<String> names = new java.util.ArrayList<>();
    collect(line, names);

    assertThat(names).isNotEmpty().noneMatch(n -> n.matches("(?i).*(password|secret|digest$).*"));
  }

  private static void collect(picocli.CommandLine line, java.util.List<String> names) {
    line.getCommandSpec().options().forEach(o -> names.addAll(java.util.List.of(o.names())));
    line.getSubcommands().values().forEach(sub -> collect(sub, names));
  }
}
