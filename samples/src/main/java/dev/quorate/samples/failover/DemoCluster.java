package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.QuorumDisk;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The two-host cluster of scenarios 1 and 3, and what it stands on: the lock server, the quorum
 * disk file, the shared storage and the power switch, all in the working directory.
 */
final class DemoCluster implements AutoCloseable {
  static final List<String> VMS = List.of("vm-1", "vm-2");
  static final Map<String, Integer> MEMBERS = Map.of("host-a", 1, "host-b", 2);
  static final Duration WAIT = Duration.ofSeconds(20);

  final Path work;
  final Timeline timeline;
  final PowerSwitch power;
  final DiskWatch disks;
  private final LockServer lockServer;
  final SharedStorage storage;
  private final Map<String, HostProcess> hosts = new LinkedHashMap<>();

  private DemoCluster(Path work, Timeline timeline) throws Exception {
    this.work = work;
    this.timeline = timeline;
    this.power = PowerSwitch.in(work);
    power.install();
    timeline.say(
        "power switch: %s (fence-agents stdin protocol), one plug per host", power.program());
    this.lockServer = LockServer.start(work.resolve("zk"), DemoTiming.ZK_TICK);
    timeline.say(
        "lock server: one ZooKeeper server (SLM) at %s, outside both hosts",
        lockServer.connectString());
    formatQuorumDisk(work.resolve("qdisk.img"));
    timeline.say(
        "quorum disk: %s formatted (1 vote to the partition of its master)",
        work.resolve("qdisk.img"));
    this.disks = new DiskWatch(timeline);
    this.storage = SharedStorage.start(work.resolve("storage"), disks);
    timeline.say(
        "shared storage: one disk per VM in %s, each behind a TokenGuard", work.resolve("storage"));
  }

  /** Prepares everything but the hosts. */
  static DemoCluster prepare(Path work, Timeline timeline) throws Exception {
    return new DemoCluster(work, timeline);
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
        storage.port(),
        VMS,
        MEMBERS,
        "host-a");
  }

  /** Powers a host on: starts its cluster manager and waits until it reports ready. */
  HostProcess boot(String host) throws IOException, InterruptedException {
    power.plug(host);
    int from = timeline.mark();
    HostProcess process = HostProcess.boot(config(host), timeline, power);
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

  /** Waits for the disk's report of the first write with {@code token}. */
  Timeline.Entry awaitBoot(int from, String vm, FencingToken token) throws InterruptedException {
    return timeline
        .await(
            from,
            "first write of " + vm + " with token " + token,
            WAIT,
            e -> e.is(vm, "boot") && e.event().get("token").equals(token.toString()))
        .orElseThrow(() -> new IllegalStateException(vm + " never wrote with " + token));
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
    lockServer.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
