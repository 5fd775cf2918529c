package dev.quorate.qdisk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees, through the real command line and endpoints of three daemons: status and
 * its exit code, dump as text, a failing disk in /status, /metrics and the log, and the daemon's
 * answers to a wrong method and a busy port.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class OperatorIT {
  private static final Duration START = Duration.ofSeconds(30);
  private static final Pattern CONSECUTIVE = Pattern.compile("\"consecutiveFailures\":(\\d+)");

  @TempDir Path dir;

  /** A command's exit code and everything it printed. */
  private record Result(int code, String output) {}

  private Result tool(String... args) throws IOException, InterruptedException {
    Path out = dir.resolve("tool-" + System.nanoTime() + ".out");
    Process p =
        new ProcessBuilder(Daemons.java(args))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static HttpResponse<String> http(int port, String method, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void statusDumpAndAFailingDiskAsAnOperatorSeesThem() throws Exception {
    List<Path> disks = Daemons.format(dir, 3);
    int port = freePort();
    try (Daemons d = new Daemons(dir)) {
      d.start(1, disks, port);
      d.start(2, disks, 0);
      d.start(3, disks, 0);
      Path config = d.config(1, disks, port);
      await().atMost(START).until(() -> tool("status", "-c", config.toString()).code() == 0);

      Result json = tool("status", "-c", config.toString(), "--json");
      assertThat(json.code()).as(json.output()).isZero();
      assertThat(json.output()).contains("\"health\":\"HEALTHY\"").contains("\"master\":1");
      Result dump = tool("dump", "-d", disks.get(0).toString());
      assertThat(dump.code()).isZero();
      assertThat(dump.output()).contains("cluster it").contains("MASTER");

      assertThat(http(port, "POST", "/status").statusCode()).isEqualTo(405);
      assertThat(http(port, "DELETE", "/metrics").statusCode()).isEqualTo(405);

      // The mailboxes go, the header and the slots stay: the disk must stop counting.
      try (FileChannel ch = FileChannel.open(disks.get(1), StandardOpenOption.WRITE)) {
        ch.truncate(5 * 4096);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> consecutiveFailures(http(port, "GET", "/status").body()) >= 5);
      String status = http(port, "GET", "/status").body();
      assertThat(status).contains("\"state\":\"FAILING\",\"renewed\":false").contains("mailbox: ");
      String metrics = http(port, "GET", "/metrics").body();
      assertThat(metrics)
          .contains("qdisk_disk_up{disk=\"" + disks.get(1) + "\"} 0")
          .contains("qdisk_disk_up{disk=\"" + disks.get(0) + "\"} 1")
          .containsPattern("qdisk_disk_failures_total\\{disk=\"" + disks.get(1) + "\"} [1-9]");
      // Served from the daemon's Micrometer registry: every heartbeat's writes timed per disk.
      assertThat(metrics)
          .contains("# TYPE qdisk_heartbeats_total counter")
          .containsPattern(
              "qdisk_io_seconds_count\\{disk=\""
                  + disks.get(0)
                  + "\",op=\"write\",outcome=\"ok\"} [1-9]");
      List<String> failingLines =
          Files.readAllLines(dir.resolve("node1.out")).stream()
              .filter(l -> l.contains("disk " + disks.get(1) + " failing"))
              .toList();
      assertThat(failingLines).as("one line per change of state").hasSize(1);

      Result degraded = tool("status", "-c", config.toString());
      assertThat(degraded.code()).as(degraded.output()).isEqualTo(1);
      assertThat(degraded.output())
          .contains("disk " + disks.get(1) + ": FAILED")
          .contains("health: DEGRADED (exit 1)");

      for (int n = 1; n <= 3; n++) {
        d.signal(n, "KILL");
      }
      for (int n = 1; n <= 3; n++) {
        assertThat(d.process(n).waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
      Result noVote = tool("status", "-c", config.toString());
      assertThat(noVote.code()).as(noVote.output()).isEqualTo(2);
      assertThat(noVote.output())
          .contains("node 1   DOWN    silent")
          .contains("(last wrote MASTER)")
          .contains("master: none");
    }
  }

  @Test
  void aBusyStatusPortIsNamed() throws Exception {
    List<Path> disks = Daemons.format(dir, 1);
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Daemons d = new Daemons(dir)) {
      int port = busy.getLocalPort();
      Process p = d.start(1, disks, port);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(3);
      assertThat(Files.readString(dir.resolve("node1.out")))
          .contains("status.port " + port + ": cannot listen on 127.0.0.1:" + port);
    }
  }

  private static long consecutiveFailures(String statusJson) {
    long max = 0;
    Matcher m = CONSECUTIVE.matcher(statusJson);
    while (m.find()) {
      max = Math.max(max, Long.parseLong(m.group(1)));
    }
    return max;
  }
}
