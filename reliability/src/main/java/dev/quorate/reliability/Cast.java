package dev.quorate.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The processes of a run that the nemesis may kill and start again: the lock clients and the
 * resource. A killed client's history gets a {@code killed} line, so the checker knows that the
 * writes of its last grant have no known outcome; its successor appends to the same history.
 */
final class Cast {
  /** Starts one process of the run; {@code ownClock}: under a {@link FakeClock}. */
  interface Starter {
    Process start(String id, boolean ownClock) throws IOException;
  }

  private final Path dir;
  private final List<String> clientIds;
  private final Starter clientStarter;
  private final Starter resourceStarter;
  private final Map<String, Process> clients = new ConcurrentHashMap<>();
  private final Set<String> ownClocks = ConcurrentHashMap.newKeySet();
  private volatile Process resource;

  Cast(Path dir, List<String> clientIds, Starter clientStarter, Starter resourceStarter) {
    this.dir = dir;
    this.clientIds = List.copyOf(clientIds);
    this.clientStarter = clientStarter;
    this.resourceStarter = resourceStarter;
  }

  List<String> clientIds() {
    return clientIds;
  }

  Process client(String id) {
    return clients.get(id);
  }

  Process startClient(String id) throws IOException {
    return startClient(id, false);
  }

  private Process startClient(String id, boolean ownClock) throws IOException {
    if (!clientIds.contains(id)) {
      throw new IllegalArgumentException("no client '" + id + "' in " + clientIds);
    }
    Process p = clientStarter.start(id, ownClock || ownClocks.contains(id));
    if (ownClock) {
      ownClocks.add(id);
    }
    clients.put(id, p);
    return p;
  }

  /** SIGKILLs a client and notes it in its history, then starts its successor. */
  void killAndRestartClient(String id) throws IOException, InterruptedException {
    killAndRestartClient(id, false);
  }

  /** The same; {@code ownClock}: the successor runs under its own {@link FakeClock}. */
  void killAndRestartClient(String id, boolean ownClock) throws IOException, InterruptedException {
    ChildProcesses.killNow(clients.get(id));
    Files.writeString(
        dir.resolve(id + ".history"),
        "killed " + System.nanoTime() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    startClient(id, ownClock);
  }

  /** True if {@code id} runs under its own {@link FakeClock} (and its successors will). */
  boolean runsOwnClock(String id) {
    return ownClocks.contains(id);
  }

  Process resource() {
    return resource;
  }

  Process startResource() throws IOException {
    resource = resourceStarter.start("resource", false);
    return resource;
  }

  void killResource() throws InterruptedException {
    ChildProcesses.killNow(resource);
  }

  /** Every client process now running, by id, in id order. */
  List<Map.Entry<String, Process>> clientProcesses() {
    List<Map.Entry<String, Process>> all = new ArrayList<>();
    for (String id : clientIds) {
      all.add(Map.entry(id, clients.get(id)));
    }
    return all;
  }

  /** Starts the resource and waits until it listens; returns the port it wrote to resource.port. */
  int startResourceAndAwaitPort() throws Exception {
    startResource();
    Path portFile = dir.resolve("resource.port");
    Poll.until("the resource listens", Duration.ofSeconds(60), () -> Files.exists(portFile));
    return Integer.parseInt(Files.readString(portFile).trim());
  }

  /** Whether client {@code id}'s history has a line of {@code kind} ("invoke", "ack", ...). */
  boolean hasLogged(String id, String kind) {
    try {
      return Files.readAllLines(dir.resolve(id + ".history"), StandardCharsets.UTF_8).stream()
          .anyMatch(l -> l.startsWith(kind + " "));
    } catch (IOException e) {
      return false; // not written yet
    }
  }

  /**
   * Asks every client to stop (the {@code stop} file), waits up to 90 s for each, kills those still
   * running, and records how each ended in {@code exits.log}.
   */
  void stopClients() throws IOException, InterruptedException {
    Files.writeString(dir.resolve("stop"), "stop\n");
    List<String> exits = new ArrayList<>();
    for (Map.Entry<String, Process> e : clientProcesses()) {
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
