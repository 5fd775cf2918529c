package dev.quorate.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
}
