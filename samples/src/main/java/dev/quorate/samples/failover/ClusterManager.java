package dev.quorate.samples.failover;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceResult;
import dev.quorate.fence.Fencer;
import dev.quorate.lock.LockManager;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumEvent;
import dev.quorate.quorum.QuorumState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One host's resource manager: it runs VMs (QEMU guests) under their locks ({@code vm/<name>}, EX)
 * and recovers the VMs of a host that left the membership. Recovery, in order: take the VM's lock
 * (granted once the lost host's ZooKeeper session has expired, and only with quorum), claim the
 * VM's disk with the new token (QEMU starts with its CPUs stopped and opens the disk's NBD export
 * with the token: from then on the server refuses the old instance, resource fencing), power the
 * lost host off through the fence guard and the power switch (node fencing), and boot the VM here.
 * A planned switchover needs none of that: the holder's blocking callback stops the VM and releases
 * the lock to the host that asked for it. A live migration hands the lock over while the guest runs
 * on: the destination opens the disk as a standby with its new token, and the export moves to that
 * token at the guest's first write there, after the source stopped for good.
 *
 * <p>Every decision runs on one worker thread, so recovery, switchover and commands never
 * interleave. The VMs running here are {@link LocalVms}'s; the live migrations' hand-overs are
 * {@link MigrationHandover}'s.
 */
final class ClusterManager {
  private final HostConfig config;
  private final Emitter out;
  private final Fencer fencer;
  private final ExecutorService worker;
  private final LocalVms vms;
  private final MigrationHandover migrations;
  private final Set<MemberId> lost = new TreeSet<>();
  private final Set<String> stopped = new TreeSet<>();

  ClusterManager(
      HostConfig config, Emitter out, LockManager locks, Fencer fencer, VmRunner runner) {
    this.config = config;
    this.out = out;
    this.fencer = fencer;
    this.vms = new LocalVms(out, locks, runner, this::later);
    this.migrations = new MigrationHandover(out, runner, vms);
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "cluster-manager-" + config.host());
              t.setDaemon(true);
              return t;
            });
  }

  /** Reports a quorum change at once, and reacts to lost members on the worker. */
  void onQuorum(QuorumEvent event) {
    QuorumState now = event.current();
    out.emit(
        "quorum",
        "quorum: "
            + (now.quorate() ? "quorate" : "NOT quorate")
            + " ["
            + now.reason()
            + "] "
            + now.explanation(),
        "quorate",
        Boolean.toString(now.quorate()),
        "reason",
        now.reason().name(),
        "votes",
        Integer.toString(now.votes()),
        "expected",
        Integer.toString(now.expectedVotes()),
        "members",
        names(now.members()));
    later(() -> afterQuorumChange(event));
  }

  /** Runs a decision on the worker; after shutdown there is nothing left to decide. */
  private void later(Runnable decision) {
    try {
      worker.execute(decision);
    } catch (RejectedExecutionException e) {
      // Shut down: the host is leaving the cluster.
    }
  }

  /** Takes the VM's lock (waiting up to {@code timeout}), claims its disk and boots it. */
  void start(String vm, Duration timeout) {
    later(() -> startNow(vm, timeout));
  }

  /** Powers a host on again through the fencer (an unfence), for the operator. */
  void unfence(String host) {
    later(
        () -> {
          FenceResult result = fence(host, FenceAction.ON, "operator: " + host + " is repaired");
          out.emit(
              "unfence",
              host + " powered on: " + result.status() + " " + result.reason(),
              "target",
              host,
              "status",
              result.status().name(),
              "reason",
              result.reason().name());
        });
  }

  /**
   * A peer wrote on the quorum disk that it stopped cleanly: it shut its VMs down and released
   * their locks, so it leaves without being fenced (as a clean leave in corosync).
   */
  void leftCleanly(String peer) {
    later(
        () -> {
          stopped.add(peer);
          out.emit(
              "left",
              peer + " left the cluster cleanly: nothing to recover or fence",
              "peer",
              peer);
        });
  }

  private void afterQuorumChange(QuorumEvent event) {
    event.current().members().forEach(m -> config.nameOf(m).ifPresent(stopped::remove));
    SortedSet<MemberId> gone = new TreeSet<>(event.previous().members());
    gone.removeAll(event.current().members());
    gone.remove(config.self());
    gone.removeIf(m -> stopped.contains(config.nameOf(m).orElse("")));
    lost.addAll(gone);
    if (event.current().quorate() && !lost.isEmpty()) {
      for (MemberId peer : List.copyOf(lost)) {
        recover(config.nameOf(peer).orElseThrow());
      }
      lost.clear();
    }
  }

  private void recover(String peer) {
    out.emit(
        "recovery",
        peer
            + " left the membership: taking over its VMs; their locks come free when "
            + peer
            + "'s ZooKeeper session expires",
        "peer",
        peer);
    Map<String, LocalVms.Running> taken = new LinkedHashMap<>();
    // Two hosts: every VM not running here ran on the lost peer.
    for (String vm : config.vms()) {
      if (!vms.runsHere(vm)) {
        vms.acquire(vm, DemoTiming.ZK_SESSION.multipliedBy(4), this::handOver)
            .flatMap(lease -> vms.claim(vm, lease))
            .ifPresent(claimed -> taken.put(vm, claimed));
      }
    }
    out.emit(
        "fence-start",
        "fencing "
            + peer
            + ": power off through the power switch"
            + (peer.equals(config.preferred())
                ? ", after its fence delay of " + DemoTiming.FENCE_DELAY.toMillis() + " ms"
                : ""),
        "target",
        peer);
    FenceResult result = fence(peer, FenceAction.OFF, "left the membership (quorum disk: DOWN)");
    out.emit(
        "fence",
        "fence "
            + peer
            + ": "
            + result.status()
            + " "
            + result.reason()
            + " at level "
            + result.level()
            + " in "
            + result.elapsed().toMillis()
            + " ms ("
            + result.explanation()
            + ")",
        "target",
        peer,
        "status",
        result.status().name(),
        "reason",
        result.reason().name(),
        "ms",
        Long.toString(result.elapsed().toMillis()));
    taken.forEach(
        (vm, claimed) -> {
          if (result.succeeded()) {
            vms.boot(vm, claimed);
          } else {
            vms.stopAndRelease(claimed);
            out.emit("error", vm + " not restarted: " + peer + " could not be fenced", "vm", vm);
          }
        });
  }

  private FenceResult fence(String target, FenceAction action, String why) {
    try {
      return fencer.fence(FenceRequest.of(config.host(), target, action, why));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fencing " + target, e);
    }
  }

  private void startNow(String vm, Duration timeout) {
    vms.acquire(vm, timeout, this::handOver)
        .flatMap(lease -> vms.claim(vm, lease))
        .ifPresent(claimed -> vms.boot(vm, claimed));
  }

  /** The source of a live migration: the next request for the VM's lock gets it at once. */
  void migrateOut(String vm) {
    later(() -> migrations.migrateOut(vm));
  }

  /**
   * The destination of a live migration: takes the VM's lock (the source hands it over) and waits
   * for the guest with its disk opened as a standby.
   */
  void migrateIn(String vm, Duration timeout) {
    later(() -> vms.acquire(vm, timeout, this::handOver).ifPresent(l -> migrations.receive(vm, l)));
  }

  /** Sends a VM whose lock was handed over to the incoming QEMU at {@code socket}. */
  void send(String vm, Path socket) {
    later(() -> migrations.send(vm, socket));
  }

  /**
   * The blocking callback: another host waits for the VM. Stop it and let go, or, for a live
   * migration, let go while the guest runs on until it is sent.
   */
  private void handOver(String vm) {
    Optional<LocalVms.Running> vmHere = vms.remove(vm);
    if (vmHere.isEmpty() || migrations.handOver(vm, vmHere.get())) {
      return; // not running here (yet): the lease is released where it was taken
    }
    out.emit("blocking", "another host asks for " + vm + ": stopping it (QMP quit)", "vm", vm);
    vms.stopAndRelease(vmHere.get());
    out.emit("released", vm + " stopped and its lock released", "vm", vm);
  }

  /**
   * The host fences itself (its quorum disk is out of reach): its guests die at once, as in the
   * watchdog's reboot of a real host.
   *
   * @return the VMs killed, as {@code vm (pid N)}
   */
  List<String> selfFence() {
    return vms.killAll();
  }

  /** Stops every VM and releases its lock; waits for the worker to finish. */
  void shutdown() throws InterruptedException {
    worker.execute(
        () -> {
          vms.stopAll();
          migrations.stopAll();
        });
    worker.shutdown();
    worker.awaitTermination(30, TimeUnit.SECONDS);
  }

  private String names(SortedSet<MemberId> members) {
    List<String> names = new ArrayList<>();
    members.forEach(m -> names.add(config.nameOf(m).orElse(m.toString())));
    return String.join(",", names);
  }
}
