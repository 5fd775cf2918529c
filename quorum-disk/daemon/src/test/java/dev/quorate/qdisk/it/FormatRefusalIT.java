package dev.quorate.qdisk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.qdisk.it.Daemons.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code format} on the live disk of a running cluster: refused without {@code --force} (nothing
 * written, the daemons run on); with it, the disk is formatted and its nodes fence themselves, as
 * the option's help says.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FormatRefusalIT {
  @TempDir Path dir;

  @Test
  void formatRefusesADiskWithLiveHeartbeatsUnlessForced() throws Exception {
    List<Path> disk = Daemons.format(dir, 1);
    try (Daemons d = new Daemons(dir)) {
      d.start(1, disk, 0);
      d.start(2, disk, 0);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> d.logged(1, "NODE_UP", 2) && d.logged(2, "NODE_UP", 1));
      byte[] header = Arrays.copyOf(Files.readAllBytes(disk.get(0)), 4096);

      List<String> args = Daemons.formatArgs();
      args.addAll(List.of("-d", disk.get(0).toString()));
      Result refused = Daemons.toolResult(dir, args.toArray(String[]::new));
      assertThat(refused.exit()).as(refused.output()).isEqualTo(4);
      assertThat(refused.output())
          .contains("live heartbeats")
          .contains("node 1 on " + disk.get(0))
          .contains("node 2 on " + disk.get(0))
          .contains("use --force");
      assertThat(Arrays.copyOf(Files.readAllBytes(disk.get(0)), 4096)).isEqualTo(header);
      assertThat(d.process(1).isAlive() && d.process(2).isAlive()).isTrue();

      args.add("--force");
      assertThat(Daemons.toolResult(dir, args.toArray(String[]::new)).exit()).isZero();
      for (int n = 1; n <= 2; n++) {
        assertThat(d.process(n).waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(d.process(n).exitValue()).isEqualTo(70);
      }
    }
  }
}
