package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.TokenGuard;
import dev.quorate.nbd.ExportName;
import dev.quorate.nbd.NbdServer;
import dev.quorate.nbd.NbdServerBuilder;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.vm.GuestDisk;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The two-host cluster of scenarios 1, 3 and 4, and what it stands on: the lock server, the quorum
 * disk file, the NBD server with one token-fenced disk per VM, the shared storage scenario 2's
 * members heartbeat on, and the power switch, all in the working directory.
 */
final class DemoCluster implements AutoCloseable {
  static final List<String> VMS = List.of("vm-1", "vm-2");

  /**
   * The quorum disk's export on the NBD server. Every host opens it with the same token: the disk's
   * own protocol (one heartbeat slot per host) keeps its writers apart.
   */
  static final ExportName QUORUM_DISK = ExportName.of("qdisk", FencingToken.of(1));

  static final Map<String, Integer> MEMBERS = Map.of("host-a", 1, "host-b", 2);

  /** The bound on every awaited event: a guest's boot under TCG on a loaded machine included. */
  static final Duration WAIT = Duration.ofSeconds(60);

  final Path work;
  final Timeline timeline;
  final PowerSwitch power;
  final ExportWatch exports;
  final HostNetwork network;
  private final LockServer lockServer;
  private final NbdServer nbd;
  private final Map<String, TokenGuard> guards = new LinkedHashMap<>();
  final SharedStorage storage;
  private final String guestDir;
  private final Map<String, HostProcess> hosts = new LinkedHashMap<>();

  private DemoCluster(Path work, String guestDir, Timeline timeline, HostNetwork network)
      throws Exception {
    this.work = work;
    this.network = network;
    this.guestDir = guestDir;
    this.timeline = timeline;
    this.power = PowerSwitch.in(work);
    power.install();
    timeline.say(
        "power switch: %s (fence-agents stdin protocol), one plug per host", power.program());
    this.lockServer =
        LockServer.start(work.resolve("zk"), DemoTiming.ZK_TICK, network.serviceAddress());
    timeline.say(
        "lock server: one ZooKeeper server (SLM) at %s, outside both hosts",
        lockServer.connectString());
    formatQuorumDisk(work.resolve("qdisk.img"));
    timeline.say(
        "quorum disk: %s formatted (1 vote to the partition of its master)",
        work.resolve("qdisk.img"));
    timeline.say(
        "watch the cluster from another terminal: bin/quorate status --connect %s --qdisk %s"
            + " (or bin/quorate serve --connect %s, a live page)",
        lockServer.connectString(), work.resolve("qdisk.img"), lockServer.connectString());
    this.exports = new ExportWatch(timeline);
    this.nbd = startNbd(Files.createDirectories(work.resolve("disks")));
    timeline.say(
        "NBD server: %s, one 4 MiB disk per VM in %s; a guest opens"
            + " <vm>@<fencing token>, a newer token revokes the older connections; the hosts"
            + " reach the quorum disk there too (export %s), over their own links",
        nbdAddress(), work.resolve("disks"), QUORUM_DISK.export());
    this.storage = SharedStorage.start();
  }

  private NbdServer startNbd(Path dir) throws IOException {
    NbdServerBuilder builder =
        NbdServer.builder()
            .bind(new InetSocketAddress(InetAddress.getByName(network.serviceAddress()), 0));
    for (String vm : VMS) {
      Path image = disk(vm);
      try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
        file.setLength(4L << 20);
      }
      TokenGuard guard = TokenGuard.persistent(dir.resolve(vm + ".img.token"));
      // The demo reads the disk under the bare guard: its reads are no requests of a guest.
      guards.put(vm, guard);
      builder.export(vm, image, exports.watch(vm, guard));
    }
    builder.export(QUORUM_DISK.export(), work.resolve("qdisk.img"));
    NbdServer server = builder.build();
    server.start();
    return server;
  }

  private String nbdAddress() {
    return network.serviceAddress() + ":" + nbd.port();
  }

  Path disk(String vm) {
    return work.resolve("disks").resolve(vm + ".img");
  }

  /**
   * Reads the VM's disk back, under its export's guard (with its newest token), so no write of the
   * NBD server is half-applied while it is read.
   */
  DiskHistory history(String vm) {
    TokenGuard guard = guards.get(vm);
    return new DiskHistory(
        vm, guard.access(guard.highest().orElseThrow(), () -> GuestDisk.read(disk(vm))));
  }

  /** Prepares everything but the hosts. */
  static DemoCluster prepare(Path work, String guestDir, Timeline timeline, HostNetwork network)
      throws Exception {
    return new DemoCluster(work, guestDir, timeline, network);
  }

  /**
   * Formats the quorum disk with the demo's timing. quorum-disk has no public format call yet: the
   * daemon's {@code format} command uses this internal class, and so does the demo.
   */
  private static void formatQuorumDisk(Path image) throws IOException {
    DiskHeader header =
        new DiskHeader(
            DiskHeader.CURRENT_VERSION,
            UUID.randomUUID(),
            UUID.randomUUID(),
            HostAgent.CLUSTER,
            4,
            DemoTiming.DISK);
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(header.requiredBytes());
    }
    try (BlockDevice device = BlockDevice.open(image)) {
      QuorumDisk.format(device, header, false);
    }
  }

  HostConfig config(String host) {
    return new HostConfig(
        host,
        MEMBERS.get(host),
        work,
        lockServer.connectString(),
        nbdAddress(),
        guestDir,
        VMS,
        MEMBERS,
        "host-a");
  }

  /** Powers a host on: starts its cluster manager and waits until it reports ready. */
  HostProcess boot(String host) throws IOException, InterruptedException {
    power.plug(host);
    int from = timeline.mark();
    HostProcess process = HostProcess.boot(config(host), timeline, power, network);
    hosts.put(host, process);
    timeline.await(from, host + " ready", WAIT, e -> e.is(host, "ready"));
    return process;
  }

  HostProcess host(String name) {
    return hosts.get(name);
  }

  /** Waits until {@code host} reports quorum with exactly {@code members} present. */
  Timeline.Entry awaitQuorate(int from, String host, String members) throws InterruptedException {
    return timeline
        .await(
            from,
            host + " quorate with " + members,
            WAIT,
            e ->
                e.is(host, "quorum")
                    && e.event().get("quorate").equals("true")
                    && e.event().get("members").equals(members))
        .orElseThrow(() -> new IllegalStateException(host + " never became quorate"));
  }

  /** Waits for a host's event of a kind about a VM, returning it. */
  Timeline.Entry await(int from, String host, String kind, String vm) throws InterruptedException {
    return timeline
        .await(
            from,
            kind + " of " + vm + " on " + host,
            WAIT,
            e -> e.is(host, kind) && e.event().get("vm").equals(vm))
        .orElseThrow(() -> new IllegalStateException("no " + kind + " of " + vm + " on " + host));
  }

  /** Waits for the host's report of the guest's first record under {@code token}. */
  Timeline.Entry awaitBoot(int from, String host, String vm, FencingToken token)
      throws InterruptedException {
    return timeline
        .await(
            from,
            "first record of " + vm + " with token " + token,
            WAIT,
            e ->
                e.is(host, "vm-boot")
                    && e.event().get("vm").equals(vm)
                    && e.event().get("token").equals(token.toString()))
        .orElseThrow(() -> new IllegalStateException(vm + " never wrote with " + token));
  }

  /**
   * Reads back every VM's disk and checks its history: no record of an older token after a newer
   * one, one writer per token epoch, every record whole (its CRC checked).
   */
  void checkDisks() {
    for (String vm : VMS) {
      DiskHistory history = history(vm);
      List<String> violations = history.violations();
      timeline.check(
          violations.isEmpty() && !history.records().isEmpty(),
          "%s's disk read back: %d records, every CRC whole, tokens never go back, one writer"
              + " per epoch [%s]%s",
          vm,
          history.records().size(),
          String.join("; ", history.epochs()),
          violations.isEmpty() ? "" : " VIOLATED: " + String.join("; ", violations));
    }
  }

  /**
   * Checks that the host's cluster manager and the VM's QEMU run in the host's network namespace,
   * if the hosts have namespaces.
   */
  void checkNamespace(String host, String vm) throws IOException {
    if (network.reason().isPresent()) {
      return;
    }
    long agent = hosts.get(host).pid();
    long qemu = qemuPid(host, vm);
    timeline.check(
        network.holds(host, agent) && network.holds(host, qemu),
        "%s's cluster manager (pid %d) and %s's QEMU (pid %d) run in network namespace %s",
        host,
        agent,
        vm,
        qemu,
        network.namespace(host).orElseThrow());
  }

  /** The pid of the QEMU that runs {@code vm} on {@code host}, from QEMU's pid file. */
  long qemuPid(String host, String vm) throws IOException {
    Path file = VmRunner.runtimeDir(work, host).resolve(vm + ".pid");
    return Long.parseLong(Files.readString(file).trim());
  }

  /** The token of {@code host}'s latest lease of {@code vm}. */
  FencingToken latestToken(String host, String vm) {
    List<Timeline.Entry> leases =
        timeline.since(0, e -> e.is(host, "lease") && e.event().get("vm").equals(vm));
    if (leases.isEmpty()) {
      throw new IllegalStateException(host + " never held " + vm + "'s lock");
    }
    return token(leases.get(leases.size() - 1));
  }

  static FencingToken token(Timeline.Entry entry) {
    return FencingToken.parse(entry.event().get("token"));
  }

  /** Shuts the hosts down cleanly, kills whatever process is left, stops storage and locks. */
  @Override
  public void close() throws IOException {
    boolean interrupted = false;
    for (HostProcess host : hosts.values()) {
      try {
        host.shutdown(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    Processes.killAll(work.resolve("power"));
    storage.close();
    nbd.close();
    lockServer.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
