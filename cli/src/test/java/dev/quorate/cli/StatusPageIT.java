package dev.quorate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Leadership;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkHostInventory;
import dev.quorate.zk.ZkLockManager;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The status page end to end: {@code quorate serve} (the shaded jar, as a process) against a real
 * ZooKeeper server and cluster of members, opened in headless Chromium by playwright-core. The page
 * shows the hosts with their members and the quorum, a held lock with its waiter and an election's
 * leader; a member then crashes and is fenced, the lock's holder releases and the leader resigns,
 * and the open page (never reloaded) turns DEGRADED, marks the member DOWN, shows the fence, the
 * waiter holding the lock with a greater token and the next leader, in a screenshot under target/.
 */
@Timeout(180)
class StatusPageIT {
  private static final Path SHOTS =
      Path.of(System.getProperty("quorate.cli.target", "target")).resolve("status-page");

  /** The page's DEGRADED banner colour (status.css), as a screenshot pixel. */
  private static final int DEGRADED_RGB = 0xef6c00;

  @Test
  void thePageShowsTheClusterAndThenTheFailoverAsItHappens() throws Exception {
    BrowserTools.require();
    Files.createDirectories(SHOTS);
    try (TestingServer server = new TestingServer(true);
        CuratorFramework observer =
            CuratorFrameworkFactory.newClient(
                server.getConnectString(), 10_000, 5_000, new RetryOneTime(100));
        MemberCluster shop =
            new MemberCluster(server.getConnectString(), "shop", "db-a@h1", "db-b@h1", "db-c@h2");
        ZkLockManager a = ZkLockManager.builder().connectString(server.getConnectString()).build();
        ZkLockManager b =
            ZkLockManager.builder().connectString(server.getConnectString()).build()) {
      observer.start();
      Lease held = a.lock("volume/7").acquire(LockMode.EX);
      CompletableFuture<Lease> waiting = b.lock("volume/7").acquireAsync(LockMode.EX);
      Leadership leading = a.election("scheduler").campaign("node-a");
      CompletableFuture<Leadership> second = b.election("scheduler").campaignAsync("node-b");
      LockInspection queued =
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> a.inspect("volume/7"), s -> s.queue().size() == 1);
      String holder = queued.holders().get(0).member();
      String waiter = queued.queue().get(0).member();
      ZkHostInventory inventory = ZkHostInventory.builder(observer).build();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  inventory
                      .read()
                      .cluster("shop")
                      .map(v -> v.partition().size() == 3)
                      .orElse(false));
      List<String> command =
          new java.util.ArrayList<>(
              List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(CliProcess.START_FAST);
      command.addAll(
          List.of(
              "-jar",
              CliProcess.JAR.toString(),
              "serve",
              "--connect",
              server.getConnectString(),
              "--port",
              "0",
              "--interval",
              "300ms"));
      Process serve =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Process browser = null;
      try {
        String first =
            new BufferedReader(
                    new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        Matcher url =
            Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)").matcher(String.valueOf(first));
        assertThat(url.find()).as("serve's first line: %s", first).isTrue();

        int port = Integer.parseInt(url.group(1).replaceAll(".*:(\\d+)/", "$1"));
        assertThat(statusLine(port, "127.0.0.1:" + port)).isEqualTo("HTTP/1.1 200 OK");
        // A page of another origin whose DNS name was rebound to 127.0.0.1 gets nothing.
        assertThat(statusLine(port, "attacker.example:" + port))
            .isEqualTo("HTTP/1.1 403 Forbidden");

        browser =
            new ProcessBuilder("node", "status-page.mjs", url.group(1), SHOTS.toString())
                .directory(BrowserTools.E2E.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader page =
            new BufferedReader(
                new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
        String healthy = phase(page, "healthy");
        assertThat(healthy)
            .contains("\"health\":\"HEALTHY\"")
            .contains("{\"host\":\"h1\",\"members\":[{\"member\":\"shop/db-a\",\"state\":\"up\"")
            .contains("{\"host\":\"h2\",\"members\":[{\"member\":\"shop/db-c\",\"state\":\"up\"")
            .contains("quorate: partition db-a, db-b, db-c holds 3 of 3 member votes, threshold 2")
            .contains(
                "\"locksSummary\":\"under /quorate/locks: 1 held, 1 waiting, on 1 resources\"")
            .contains(
                "{\"resource\":\"volume/7\",\"rows\":[[\"holder\",\""
                    + holder
                    + "\",\"EX\",\""
                    + held.token()
                    + "\",\""
                    + queued.holders().get(0).since()
                    + "\"],[\"waiter\",\""
                    + waiter
                    + "\",\"EX\",\"\",")
            .contains(
                "\"elections\":[\"scheduler: node-a · epoch "
                    + leading.token()
                    + " · since "
                    + leading.leader().since()
                    + "\"]");

        shop.crash("db-c");
        shop.recordFence("db-a", "db-c");
        held.release();
        leading.resign();
        Lease next = waiting.get(20, TimeUnit.SECONDS);
        Leadership successor = second.get(20, TimeUnit.SECONDS);
        assertThat(next.token()).isGreaterThan(held.token());
        assertThat(successor.token()).isGreaterThan(leading.token());
        LockInspection handedOver = a.inspect("volume/7");
        String nextLeader = "scheduler: node-b · epoch " + successor.token();
        try (Writer toPage =
            new OutputStreamWriter(browser.getOutputStream(), StandardCharsets.UTF_8)) {
          toPage.write(
              "next {\"holders\":[\""
                  + next.token()
                  + "\"],\"leaders\":[\""
                  + nextLeader
                  + "\"]}\n");
          toPage.flush();
          String failover = phase(page, "failover");
          assertThat(failover)
              .contains("\"health\":\"DEGRADED\"")
              .contains("{\"member\":\"shop/db-c\",\"state\":\"down\"")
              .contains("quorate but degraded: partition db-a, db-b holds 2 of 3 member votes")
              .contains("down: db-c")
              .contains("shop: off db-c by db-a: SUCCEEDED FENCED")
              .contains(
                  "\"locksSummary\":\"under /quorate/locks: 1 held, 0 waiting, on 1 resources\"")
              .contains(
                  "{\"resource\":\"volume/7\",\"rows\":[[\"holder\",\""
                      + waiter
                      + "\",\"EX\",\""
                      + next.token()
                      + "\",\""
                      + handedOver.holders().get(0).since()
                      + "\"]]}")
              .contains("\"elections\":[\"" + nextLeader + " · since ")
              .doesNotContain("\"" + held.token() + "\"")
              .doesNotContain("node-a");
        }
        assertThat(browser.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(browser.exitValue()).isZero();

        for (String shot : List.of("status-page-healthy.png", "status-page-failover.png")) {
          Path png = SHOTS.resolve(shot);
          assertThat(png).isNotEmptyFile();
          BufferedImage image = ImageIO.read(png.toFile());
          assertThat(image).as(shot + " is a PNG").isNotNull();
          assertThat(List.of(image.getWidth(), image.getHeight())).containsExactly(1200, 800);
        }
        BufferedImage failover = ImageIO.read(SHOTS.resolve("status-page-failover.png").toFile());
        assertThat(failover.getRGB(5, 5) & 0xffffff)
            .as("the banner's colour is DEGRADED's")
            .isEqualTo(DEGRADED_RGB);
      } finally {
        if (browser != null) {
          browser.destroyForcibly();
        }
        serve.destroy();
        serve.waitFor(10, TimeUnit.SECONDS);
        inventory.close();
      }
    }
  }

  /** Reads the browser's lines until the phase's; fails on its ERROR line or early end. */
  private static String phase(BufferedReader page, String name) throws java.io.IOException {
    for (String line = page.readLine(); line != null; line = page.readLine()) {
      if (line.startsWith("PHASE " + name + " ")) {
        return line;
      }
      assertThat(line).as("the browser script reported").doesNotStartWith("ERROR");
    }
    throw new AssertionError("the browser script ended before phase " + name);
  }

  /** The status line of a GET of /api/status sent with this Host header. */
  private static String statusLine(int port, String host) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET /api/status HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }
}
