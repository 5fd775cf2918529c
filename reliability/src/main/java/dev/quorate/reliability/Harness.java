package dev.quorate.reliability;

import java.io.IOException;
import java.net.InetAddress;
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
 * One run: starts the ensemble, the resource and the clients as processes (each server and client
 * in a network namespace of its own when the run has a {@link NetworkLab}), lets the nemesis work,
 * stops everything in order and leaves in {@code dir} what the {@link Checker} reads.
 */
final class Harness {
  private final Path dir;
  private final RunSettings settings;
  private final NetworkLab lab;
  private final Map<String, List<FaultProxy>> proxies = new LinkedHashMap<>();
  private ZkEnsemble ensemble;

  /**
   * @param lab the run's network, or null to run everything on loopback (no partition faults)
   */
  Harness(Path dir, RunSettings settings, NetworkLab lab) {
    this.dir = dir;
    this.settings = settings;
    this.lab = lab;
  }

  void run() throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("settings.txt"), settings.describe() + "\n");
    try (ChildProcesses processes = new ChildProcesses()) {
      ensemble =
          new ZkEnsemble(
              processes,
              dir,
              settings.servers(),
              RunSettings.TICK_MILLIS,
              lab,
              ZkServers.classPath(settings.zookeeper()));
      ensemble.startAll();
      Poll.until("the ensemble serves", Duration.ofSeconds(120), ensemble::serving);
      ensemble.requireVersion(settings.zookeeper());

      InetAddress resourceAddress =
          lab == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(lab.hostAddress());
      int[] resourcePort = {0};
      Cast cast =
          new Cast(
              dir,
              clientIds(),
              (id, ownClock) ->
                  startClient(processes, id, ownClock, resourceAddress, resourcePort[0]),
              (id, ownClock) -> startResource(processes, resourceAddress, resourcePort[0]));
      resourcePort[0] = cast.startResourceAndAwaitPort();
      ResourceAddress resource = new ResourceAddress(resourceAddress, resourcePort[0]);

      List<String> clocks = new ArrayList<>();
      for (String id : cast.clientIds()) {
        long spawned = System.nanoTime();
        cast.startClient(id);
        clocks.add(ClockCheck.await(dir.resolve(id + ".history"), id, spawned));
      }
      Files.write(dir.resolve("clocks.log"), clocks);
      Poll.until(
          "every client has written once",
          Duration.ofSeconds(120),
          () -> cast.clientIds().stream().allMatch(id -> cast.hasLogged(id, "ack")));

      long deadline = System.nanoTime() + settings.duration().toNanos();
      new Nemesis(dir, ensemble, cast, proxies, resource, lab, settings).run(deadline);

      cast.stopClients();
      Files.writeString(
          dir.resolve("shutdown.log"),
          "lock-nodes-left "
              + LockNodes.awaitNone(ensemble.connectString(), settings.session())
              + "\n");
      try (ResourceConnection c = resource.connect()) {
        c.stopServer();
      }
      if (!cast.resource().waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the resource did not stop within 30 s");
      }
      ensemble.stopAll();
    } finally {
      for (List<FaultProxy> theirs : proxies.values()) {
        for (FaultProxy p : theirs) {
          p.close();
        }
      }
    }
  }

  static List<String> clientIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= RunSettings.CLIENTS; i++) {
      ids.add("client-" + i);
    }
    return ids;
  }

  /**
   * Starts a client, with its own proxies to every server the first time (a restarted client gets
   * the same proxies, so the proxy faults keep working on it).
   */
  private Process startClient(
      ChildProcesses processes,
      String id,
      boolean ownClock,
      InetAddress resourceAddress,
      int resourcePort)
      throws IOException {
    List<FaultProxy> theirs = proxies.get(id);
    if (theirs == null) {
      theirs = new ArrayList<>();
      for (int s = 1; s <= settings.servers(); s++) {
        InetAddress listen =
            lab == null
                ? InetAddress.getLoopbackAddress()
                : InetAddress.getByName(lab.proxyAddress(s));
        theirs.add(new FaultProxy(listen, ensemble.clientAddress(s)));
      }
      proxies.put(id, theirs);
    }
    String connect =
        theirs.stream()
            .map(p -> p.address().getHostAddress() + ":" + p.port())
            .collect(Collectors.joining(","));
    List<String> enter = new ArrayList<>(lab == null ? List.of() : lab.enter(id));
    if (ownClock) {
      enter.addAll(FakeClock.wrap(FakeClock.library().orElseThrow(), dir, id));
    }
    return processes.java(
        enter,
        jvm(),
        System.getProperty("java.class.path"),
        Chaos.MAIN,
        List.of(
            "client",
            "--id",
            id,
            "--dir",
            dir.toString(),
            "--connect",
            connect,
            "--session",
            settings.session().toMillis() + "ms",
            "--resource",
            resourceAddress.getHostAddress() + ":" + resourcePort,
            "--writes",
            Integer.toString(settings.writes())),
        dir.resolve(id + ".out"));
  }

  private Process startResource(ChildProcesses processes, InetAddress address, int port)
      throws IOException {
    List<String> args = ResourceCommand.args(dir, address, port, settings.fenced());
    return processes.java(jvm(), Chaos.MAIN, args, dir.resolve("resource.out"));
  }

  private static List<String> jvm() {
    return List.of("-Xmx96m");
  }
}
