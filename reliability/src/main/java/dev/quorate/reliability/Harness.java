package dev.quorate.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One run: starts the ensemble, the resource and the clients as processes, lets the nemesis work,
 * stops everything in order and leaves in {@code dir} what the {@link Checker} reads.
 */
final class Harness {
  private final Path dir;
  private final RunSettings settings;

  Harness(Path dir, RunSettings settings) {
    this.dir = dir;
    this.settings = settings;
  }

  void run() throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("settings.txt"), settings.describe() + "\n");
    List<FaultProxy> allProxies = new ArrayList<>();
    try (ChildProcesses processes = new ChildProcesses()) {
      ZkEnsemble ensemble = new ZkEnsemble(processes, dir, RunSettings.TICK_MILLIS);
      ensemble.startAll();
      Poll.until("the ensemble serves", Duration.ofSeconds(120), ensemble::serving);

      List<String> resourceArgs = new ArrayList<>(List.of("resource", "--dir", dir.toString()));
      if (!settings.fenced()) {
        resourceArgs.add("--unfenced");
      }
      Process resource =
          processes.java(jvm(), Chaos.MAIN, resourceArgs, dir.resolve("resource.out"));
      Path portFile = dir.resolve("resource.port");
      Poll.until("the resource listens", Duration.ofSeconds(60), () -> Files.exists(portFile));
      int resourcePort = Integer.parseInt(Files.readString(portFile).trim());

      Map<String, Process> clients = new LinkedHashMap<>();
      Map<String, List<FaultProxy>> proxies = new LinkedHashMap<>();
      List<String> clocks = new ArrayList<>();
      for (int i = 1; i <= RunSettings.CLIENTS; i++) {
        String id = "client-" + i;
        List<FaultProxy> theirs = new ArrayList<>();
        for (int s = 1; s <= ZkEnsemble.SIZE; s++) {
          theirs.add(new FaultProxy(ensemble.clientPort(s)));
        }
        allProxies.addAll(theirs);
        proxies.put(id, theirs);
        String connect =
            theirs.stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.joining(","));
        long spawned = System.nanoTime();
        clients.put(
            id,
            processes.java(
                jvm(),
                Chaos.MAIN,
                clientArgs(id, connect, resourcePort),
                dir.resolve(id + ".out")));
        clocks.add(ClockCheck.await(dir.resolve(id + ".history"), id, spawned));
      }
      Files.write(dir.resolve("clocks.log"), clocks);
      Poll.until(
          "every client has written once",
          Duration.ofSeconds(120),
          () -> clients.keySet().stream().allMatch(this::hasWritten));

      long deadline = System.nanoTime() + settings.duration().toNanos();
      new Nemesis(
              dir,
              ensemble,
              clients,
              proxies,
              resourcePort,
              settings.session(),
              settings.gap(),
              settings.faults(),
              settings.seed())
          .run(deadline);

      stopClients(clients);
      Files.writeString(
          dir.resolve("shutdown.log"),
          "lock-nodes-left "
              + LockNodes.awaitNone(ensemble.connectString(), settings.session())
              + "\n");
      try (ResourceConnection c = new ResourceConnection(resourcePort)) {
        c.stopServer();
      }
      if (!resource.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the resource did not stop within 30 s");
      }
      ensemble.stopAll();
    } finally {
      for (FaultProxy p : allProxies) {
        p.close();
      }
    }
  }

  private List<String> clientArgs(String id, String connect, int resourcePort) {
    return List.of(
        "client",
        "--id",
        id,
        "--dir",
        dir.toString(),
        "--connect",
        connect,
        "--session",
        settings.session().toMillis() + "ms",
        "--resource-port",
        Integer.toString(resourcePort),
        "--writes",
        Integer.toString(settings.writes()));
  }

  private static List<String> jvm() {
    return List.of("-Xmx96m");
  }

  private boolean hasWritten(String id) {
    try {
      return Files.readAllLines(dir.resolve(id + ".history"), StandardCharsets.UTF_8).stream()
          .anyMatch(l -> l.startsWith("ack "));
    } catch (IOException e) {
      return false;
    }
  }

  private void stopClients(Map<String, Process> clients) throws Exception {
    Files.writeString(dir.resolve("stop"), "stop\n");
    List<String> exits = new ArrayList<>();
    for (Map.Entry<String, Process> e : clients.entrySet()) {
      Process p = e.getValue();
      boolean stopped = p.waitFor(90, TimeUnit.SECONDS);
      if (!stopped) {
        ChildProcesses.killNow(p);
      }
      exits.add(
          e.getKey() + " " + (stopped ? "exit " + p.exitValue() : "killed: did not stop in 90 s"));
    }
    Files.write(dir.resolve("exits.log"), exits);
  }
}
