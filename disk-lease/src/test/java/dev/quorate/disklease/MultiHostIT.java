package dev.quorate.disklease;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.FencingToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three hosts as separate JVMs contend for one exclusive lease on 1 or 3 file-backed disks. The
 * holder is killed (SIGKILL); a survivor takes over only after its delta lease expired, with a
 * greater token; then again.
 */
@Timeout(240)
class MultiHostIT {
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  private final List<Process> hosts = new ArrayList<>();
  private final List<String> grants = new CopyOnWriteArrayList<>();
  private final List<Long> grantedAt = new CopyOnWriteArrayList<>();
  private final Map<Integer, Process> byId = new ConcurrentHashMap<>();

  @AfterEach
  void killHosts() {
    hosts.forEach(Process::destroyForcibly);
  }

  @ParameterizedTest(name = "{0} disk(s)")
  @ValueSource(ints = {1, 3})
  void aKilledHoldersLeaseGoesToASurvivorAfterExpiryWithAGreaterToken(int diskCount)
      throws Exception {
    // 1 s: three JVMs starting on a busy machine must not miss a renewal deadline.
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.forIoTimeout(Duration.ofSeconds(1)));
    List<String> paths = new ArrayList<>();
    LeaseFiles.onTmpfs("multi-host", diskCount, area).forEach(p -> paths.add(p.toString()));
    for (int id = 1; id <= 3; id++) {
      start(id, String.join(",", paths));
    }
    FencingToken previous = null;
    long killedAt = 0;
    for (int round = 0; round < 3; round++) {
      int expected = round + 1;
      Awaitility.await().atMost(PATIENCE).until(() -> grants.size() >= expected);
      String[] grant = grants.get(round).split(" ");
      FencingToken token = FencingToken.parse(grant[2]);
      if (previous != null) {
        assertThat(token).as("round %d", round).isGreaterThan(previous);
      }
      previous = token;
      if (round > 0) {
        // A measurement for docs/storage-leases.md, never an assertion.
        System.out.printf(
            "%d disk(s): takeover %d ms after SIGKILL (host_expiry %d ms)%n",
            diskCount,
            (grantedAt.get(round) - killedAt) / 1_000_000,
            area.timing().hostExpiry().toMillis());
      }
      if (round < 2) {
        Process holder = byId.get(Integer.parseInt(grant[1]));
        killedAt = System.nanoTime();
        holder.destroyForcibly().waitFor();
      }
    }
    assertThat(grants).hasSize(3);
    assertThat(grants.stream().map(g -> g.split(" ")[1]).distinct()).hasSize(3);
  }

  private void start(int id, String disks) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LeaseHostMain.class.getName(),
                Integer.toString(id),
                disks)
            .redirectErrorStream(true)
            .start();
    hosts.add(p);
    byId.put(id, p);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  System.out.println("host-" + id + ": " + line);
                  if (line.startsWith("GRANTED ")) {
                    grantedAt.add(System.nanoTime());
                    grants.add(line);
                  }
                }
              } catch (IOException e) {
                // the host was killed; its output ends here
              }
            },
            "host-" + id + "-output");
    reader.setDaemon(true);
    reader.start();
  }
}
