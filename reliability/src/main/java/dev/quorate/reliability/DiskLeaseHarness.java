package dev.quorate.reliability;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One disk-lease run: formats the lease disks (files in the run directory), starts the fenced
 * counter and three hosts as processes, lets the {@link DiskNemesis} work, stops everything and
 * leaves in {@code dir} what the {@link Checker} reads.
 */
final class DiskLeaseHarness {
  private static final int RESOURCE_SLOTS = 8;

  private final Path dir;
  private final DiskRunSettings settings;
  private final List<Path> disks = new ArrayList<>();

  DiskLeaseHarness(Path dir, DiskRunSettings settings) {
    this.dir = dir;
    this.settings = settings;
  }

  /** How long each phase of the run took, in {@code phases.log}: where a slow run's time went. */
  private final List<String> phases = new ArrayList<>();

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  void run() throws Exception {
    long started = System.nanoTime();
    try {
      runPhases(started);
    } finally {
      Files.write(dir.resolve("phases.log"), phases);
    }
  }

  private void runPhases(long started) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("settings.txt"), settings.describe() + "\n");
    formatDisks();
    try (ChildProcesses processes = new ChildProcesses()) {
      InetAddress loopback = InetAddress.getLoopbackAddress();
      int[] resourcePort = {0};
      Cast cast =
          new Cast(
              dir,
              Harness.clientIds(),
              (id, ownClock) ->
                  host(
                      processes,
                      id,
                      hostId(id),
                      loopback,
                      resourcePort[0],
                      dir.resolve(id + ".out"),
                      false),
              (id, ownClock) -> startResource(processes, loopback));
      resourcePort[0] = cast.startResourceAndAwaitPort();
      ResourceAddress resource = new ResourceAddress(loopback, resourcePort[0]);

      // The hosts start together: each JVM's start-up (seconds on a loaded machine) overlaps the
      // others'; the clock check brackets each host's first reading by its own spawn time.
      Map<String, Long> spawned = new LinkedHashMap<>();
      for (String id : cast.clientIds()) {
        spawned.put(id, System.nanoTime());
        cast.startClient(id);
      }
      List<String> clocks = new ArrayList<>();
      for (Map.Entry<String, Long> e : spawned.entrySet()) {
        clocks.add(
            ClockCheck.await(dir.resolve(e.getKey() + ".history"), e.getKey(), e.getValue()));
      }
      Files.write(dir.resolve("clocks.log"), clocks);
      // Every host holds its host id and asks for the lock. Waiting for each to have written once
      // cost up to a minute: a host that releases the lock takes it again at once, and waiters on
      // other hosts read the slot only every renewal interval (docs/storage-leases.md, Limits).
      Poll.until(
          "every host has asked for the lock",
          Duration.ofSeconds(120),
          () -> cast.clientIds().stream().allMatch(id -> cast.hasLogged(id, "invoke")));
      long faultsFrom = System.nanoTime();
      phases.add("start-up " + millisSince(started) + " ms");

      long deadline = System.nanoTime() + settings.duration().toNanos();
      new DiskNemesis(
              dir,
              cast,
              resource,
              settings,
              (victim, log) ->
                  host(processes, "duplicate-of-" + victim, hostId(victim), loopback, 0, log, true))
          .run(deadline);

      FaultyDisk.heal(dir);
      phases.add("faults " + millisSince(faultsFrom) + " ms");
      long stopping = System.nanoTime();
      cast.stopClients();
      phases.add("stop " + millisSince(stopping) + " ms");
      try (ResourceConnection c = resource.connect()) {
        c.stopServer();
      }
      if (!cast.resource().waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the resource did not stop within 30 s");
      }
    }
  }

  /** client-N is host id N. */
  private static int hostId(String clientId) {
    return Integer.parseInt(clientId.substring(clientId.lastIndexOf('-') + 1));
  }

  private void formatDisks() throws IOException {
    LeaseArea area = LeaseArea.create(DiskRunSettings.HOSTS, RESOURCE_SLOTS, settings.timing());
    for (int i = 0; i < settings.disks(); i++) {
      Path file = dir.resolve("lease-disk-" + i);
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.setLength(area.sizeBytes());
      }
      try (BlockDevice d = BlockDevice.open(file)) {
        area.format(d);
      }
      disks.add(file);
    }
  }

  private Process host(
      ChildProcesses processes,
      String id,
      int hostId,
      InetAddress resourceAddress,
      int resourcePort,
      Path log,
      boolean probe)
      throws IOException {
    List<String> args =
        new ArrayList<>(List.of("disk-client", "--id", id, "--dir", dir.toString()));
    for (Path d : disks) {
      args.add("--disk");
      args.add(d.toString());
    }
    args.addAll(List.of("--host-id", Integer.toString(hostId)));
    if (probe) {
      args.add("--duplicate-probe");
    } else {
      args.addAll(
          List.of(
              "--resource",
              resourceAddress.getHostAddress() + ":" + resourcePort,
              "--writes",
              Integer.toString(settings.writes()),
              "--report-bound",
              settings.timing().hostExpiry().multipliedBy(2).toMillis() + "ms"));
    }
    return processes.java(List.of("-Xmx64m"), Chaos.MAIN, args, log);
  }

  private Process startResource(ChildProcesses processes, InetAddress address) throws IOException {
    List<String> args = ResourceCommand.args(dir, address, 0, settings.fenced());
    return processes.java(List.of("-Xmx64m"), Chaos.MAIN, args, dir.resolve("resource.out"));
  }
}
