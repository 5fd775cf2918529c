package dev.quorate.qdisk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.qdisk.it.Daemons.Result;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk sets with real daemons on three file disks: a disk of another format cannot join the list;
 * one bad disk of three does not block {@code validate} or {@code run}; {@code replace-disk} brings
 * a new disk into the running set, and every node uses it again.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ReplaceDiskIT {
  private static final List<String> EXIT = List.of("self-fence=exit");

  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String status(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static boolean renewed(int port, Path disk) throws Exception {
    return status(port)
        .contains("\"name\":\"" + disk + "\",\"state\":\"HEALTHY\",\"renewed\":true");
  }

  @Test
  void disksOfAnotherFormatAreRefusedByName() throws Exception {
    List<Path> disks = Daemons.format(dir, 3);
    Path other = Files.createDirectory(dir.resolve("other"));
    Path foreign = Daemons.format(other, 1).get(0);
    try (Daemons d = new Daemons(dir)) {
      Path cfg = d.config(1, List.of(disks.get(0), disks.get(1), foreign), 0);
      Result r = Daemons.toolResult(dir, "validate", "-c", cfg.toString());
      assertThat(r.exit()).as(r.output()).isEqualTo(3);
      assertThat(r.output())
          .contains(foreign + " belongs to disk set")
          .contains("but " + disks.get(0) + " to disk set")
          .contains("cannot be mixed");
    }
  }

  @Test
  void oneBadDiskOfThreeIsReplacedUnderRunningNodes() throws Exception {
    List<Path> disks = Daemons.format(dir, 3);
    Path bad = disks.get(1);
    try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
      f.write(new byte[4096]);
    }
    int port1 = freePort();
    int port2 = freePort();
    try (Daemons d = new Daemons(dir)) {
      Path cfg = d.config(1, disks, port1);
      Result validate = Daemons.toolResult(dir, "validate", "-c", cfg.toString());
      assertThat(validate.exit()).as(validate.output()).isZero();
      assertThat(validate.output())
          .contains("warning: " + bad + ": header is all zeros")
          .contains("the node runs on 2 of 3 disks (a majority)");

      d.start("node1", 1, disks, port1, EXIT);
      d.start("node2", 2, disks, port2, EXIT);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> d.logged(1, "NODE_UP", 2) && d.logged(2, "NODE_UP", 1));
      assertThat(status(port1))
          .contains("\"name\":\"" + bad + "\",\"state\":\"FAILING\",\"renewed\":false");

      Result replaced =
          Daemons.toolResult(dir, "replace-disk", "-c", cfg.toString(), "-d", bad.toString());
      assertThat(replaced.exit()).as(replaced.output()).isZero();
      assertThat(replaced.output()).contains("replaced " + bad);

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> renewed(port1, bad) && renewed(port2, bad));
      assertThat(d.process(1).isAlive() && d.process(2).isAlive()).isTrue();
      assertThat(d.events(1)).noneMatch(e -> e.kind().equals("NODE_DOWN"));

      // A healthy member with live heartbeats is no disk to replace.
      Result healthy =
          Daemons.toolResult(
              dir, "replace-disk", "-c", cfg.toString(), "-d", disks.get(0).toString());
      assertThat(healthy.exit()).as(healthy.output()).isEqualTo(4);
      assertThat(healthy.output()).contains("live heartbeats");
    }
  }
}
