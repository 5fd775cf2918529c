package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeaseFiles;
import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.FencingToken;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.quorum.SelfFence;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * VM leases with real processes: hosts are separate JVMs running {@code LeaseTool run} (or, to cut
 * a host off from its disks, {@link CutOffHostMain}); their commands are shell scripts that append
 * {@code <token> <pid> <event>} to one log file, so the log shows whether two commands ever ran at
 * once.
 */
@Timeout(180)
class LeasedCommandIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String RESOURCE = "vm/guest";

  @TempDir Path dir;
  private final List<Host> hosts = new ArrayList<>();
  private Path log;

  @AfterEach
  void endEverything() throws Exception {
    for (Host h : hosts) {
      ProcessTree.terminate(h.process.toHandle(), Duration.ofMillis(1));
    }
    // A command that outlived its host (the failure this class looks for) is ended by its pid.
    for (String line : lines()) {
      ProcessHandle.of(Long.parseLong(line.split(" ")[1]))
          .ifPresent(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
      ProcessHandle.of(Long.parseLong(line.split(" ")[1]))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aSecondHostsCommandStartsOnlyAfterTheFirstCommandExited() throws Exception {
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.forIoTimeout(Duration.ofSeconds(1)));
    List<Path> disks = LeaseFiles.onTmpfs("leased-command", 1, area);
    log = dir.resolve("log");
    Files.createFile(log);
    String waitForInput = script("start") + " read go; " + script("end");

    Host first = tool(1, disks, waitForInput);
    Awaitility.await().atMost(PATIENCE).until(() -> lines().size() == 1);
    Host second = tool(2, disks, waitForInput);
    Awaitility.await().atMost(PATIENCE).until(() -> second.said("waiting for the lease"));
    // Host 2 asks for the slot right after taking its host id and again every renewal interval;
    // two renewals of its delta lease later it has asked more than once.
    try (AreaView view = view(area, disks)) {
      Awaitility.await()
          .atMost(PATIENCE)
          .until(() -> view.host(2).map(r -> r.sequence() >= 3).orElse(false));
    }
    assertThat(lines()).as("only the first command ran while its host held the lease").hasSize(1);

    long released = say(first, "go");
    assertThat(first.process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(first.process.exitValue()).isZero();
    Awaitility.await().atMost(PATIENCE).until(() -> lines().size() == 3);
    long started = System.nanoTime();
    say(second, "go");
    assertThat(second.process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(second.process.exitValue()).isZero();

    List<String> lines = lines();
    assertThat(lines)
        .extracting(l -> l.split(" ")[2])
        .containsExactly("start", "end", "start", "end");
    assertThat(token(lines.get(2))).isGreaterThan(token(lines.get(0)));
    System.out.printf(
        "handover: the second command started %d ms after the first was told to exit%n",
        (started - released) / 1_000_000);
  }

  @Test
  void aHolderCutOffFromItsDisksHasItsCommandKilledBeforeAnotherHostTakesTheLease()
      throws Exception {
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.forIoTimeout(Duration.ofSeconds(1)));
    List<Path> disks = LeaseFiles.onTmpfs("leased-command", 3, area);
    log = dir.resolve("log");
    Files.createFile(log);
    // The ticker's sleep paces the workload; nothing waits on it.
    String ticker = "while :; do " + script("tick") + " sleep 0.05; done";

    Host holder = start(1, CutOffHostMain.class.getName(), disks, List.of(), ticker);
    Awaitility.await().atMost(PATIENCE).until(() -> !lines().isEmpty());
    Host taker = tool(2, disks, script("start") + " read go; " + script("end"));
    Awaitility.await().atMost(PATIENCE).until(() -> taker.said("waiting for the lease"));

    long cutAt = say(holder, "cut");
    Awaitility.await()
        .atMost(PATIENCE)
        .until(() -> lines().stream().anyMatch(l -> l.endsWith(" start")));
    long takenAt = System.nanoTime();
    List<String> atTakeover = lines();
    long tickerPid = Long.parseLong(atTakeover.get(0).split(" ")[1]);
    assertThat(ProcessHandle.of(tickerPid).map(ProcessHandle::isAlive).orElse(false))
        .as("the holder's command (pid %d) is still running when host 2 starts its own", tickerPid)
        .isFalse();
    int startAt = atTakeover.size() - 1;
    assertThat(atTakeover.get(startAt)).endsWith(" start");
    assertThat(atTakeover.subList(0, startAt)).allMatch(l -> l.endsWith(" tick"));

    assertThat(holder.process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(holder.process.exitValue()).isEqualTo(SelfFence.EXIT_STATUS);
    say(taker, "go");
    assertThat(taker.process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(taker.process.exitValue()).isZero();
    List<String> lines = lines();
    assertThat(lines.subList(startAt, lines.size()))
        .as("nothing of the holder's command after the taker's start")
        .extracting(l -> l.split(" ")[2])
        .containsExactly("start", "end");
    assertThat(token(lines.get(startAt))).isGreaterThan(token(lines.get(0)));
    System.out.printf(
        "cut-off holder: its command ended (host exited %d) %d ms after the cut; host 2 started"
            + " its command %d ms after the cut (host_expiry %d ms)%n",
        holder.process.exitValue(),
        (holder.exitedAt.get() - cutAt) / 1_000_000,
        (takenAt - cutAt) / 1_000_000,
        area.timing().hostExpiry().toMillis());
  }

  private String script(String event) {
    return "echo \"$QUORATE_LEASE_TOKEN $$ " + event + "\" >> '" + log + "';";
  }

  private List<String> lines() throws IOException {
    return log == null ? List.of() : Files.readAllLines(log);
  }

  private static FencingToken token(String line) {
    return FencingToken.parse(line.split(" ")[0]);
  }

  private static AreaView view(LeaseArea area, List<Path> disks) throws IOException {
    List<BlockDevice> devices = new ArrayList<>();
    for (Path p : disks) {
      devices.add(BlockDevice.openReadOnly(p));
    }
    return new AreaView(area, devices);
  }

  private Host tool(int hostId, List<Path> disks, String script) throws IOException {
    return start(hostId, LeaseTool.class.getName(), disks, List.of("run", "--disks"), script);
  }

  private Host start(int hostId, String main, List<Path> disks, List<String> before, String script)
      throws IOException {
    String paths = String.join(",", disks.stream().map(Path::toString).toList());
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main);
    if (before.isEmpty()) {
      cmd.addAll(List.of(Integer.toString(hostId), paths, RESOURCE));
    } else {
      cmd.addAll(before);
      cmd.addAll(List.of(paths, "--host-id", Integer.toString(hostId), "--resource", RESOURCE));
      cmd.add("--");
    }
    cmd.addAll(List.of("sh", "-c", script));
    Host h = new Host(hostId, new ProcessBuilder(cmd).redirectErrorStream(true).start());
    hosts.add(h);
    return h;
  }

  private static long say(Host h, String line) throws IOException {
    OutputStream in = h.process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
    return System.nanoTime();
  }

  /** A host process and what it printed. */
  private static final class Host {
    final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();
    final java.util.concurrent.CompletableFuture<Long> exitedAt;

    Host(int id, Process process) {
      this.process = process;
      this.exitedAt = process.onExit().thenApply(p -> System.nanoTime());
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    System.out.println("host-" + id + ": " + line);
                    output.add(line);
                  }
                } catch (IOException e) {
                  // the host ended; its output ends here
                }
              },
              "host-" + id + "-output");
      reader.setDaemon(true);
      reader.start();
    }

    boolean said(String text) {
      return output.stream().anyMatch(l -> l.contains(text));
    }
  }
}
