package dev.quorate.samples.failover;

import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceResult;
import dev.quorate.fence.Fencer;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumEvent;
import dev.quorate.quorum.QuorumState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One host's resource manager: it runs VMs under their locks ({@code vm/<name>}, EX) and recovers
 * the VMs of a host that left the membership. Recovery, in order: take the VM's lock (granted once
 * the lost host's ZooKeeper session has expired, and only with quorum), claim the VM's disk with
 * the new token (from then on the disk rejects the old instance: resource fencing), power the lost
 * host off through the fence guard and the power switch (node fencing), and boot the VM here. A
 * planned switchover needs none of that: the holder's blocking callback stops the VM cleanly and
 * releases the lock to the host that asked for it.
 *
 * <p>Every decision runs on one worker thread, so recovery, switchover and commands never
 * interleave.
 */
final class ClusterManager {
  /** A VM running on this host, with the lease that allows it. */
  private record Running(Lease lease, Process process) {}

  private final HostConfig config;
  private final Emitter out;
  private final LockManager locks;
  private final Fencer fencer;
  private final VmRunner vms;
  private final StorageClient storage;
  private final ExecutorService worker;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Set<MemberId> lost = new TreeSet<>();
  private final Set<String> stopped = new TreeSet<>();

  ClusterManager(
      HostConfig config,
      Emitter out,
      LockManager locks,
      Fencer fencer,
      VmRunner vms,
      StorageClient storage) {
    this.config = config;
    this.out = out;
    this.locks = locks;
    this.fencer = fencer;
    this.vms = vms;
    this.storage = storage;
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
    List<Lease> taken = new ArrayList<>();
    // Two hosts: every VM not running here ran on the lost peer.
    for (String vm : config.vms()) {
      if (!running.containsKey(vm)) {
        acquire(vm, DemoTiming.ZK_SESSION.multipliedBy(4))
            .filter(lease -> claim(vm, lease))
            .ifPresent(taken::add);
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
    for (Lease lease : taken) {
      String vm = lease.resource().substring("vm/".length());
      if (result.succeeded()) {
        boot(vm, lease);
      } else {
        lease.release();
        out.emit("error", vm + " not restarted: " + peer + " could not be fenced", "vm", vm);
      }
    }
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
    Optional<Lease> lease = acquire(vm, timeout);
    if (lease.isPresent() && claim(vm, lease.get())) {
      boot(vm, lease.get());
    }
  }

  private Optional<Lease> acquire(String vm, Duration timeout) {
    LockOptions options =
        LockOptions.builder().onBlocking((lease, wanted) -> later(() -> handOver(vm))).build();
    try {
      Optional<Lease> lease = locks.lock("vm/" + vm, options).tryAcquire(LockMode.EX, timeout);
      if (lease.isEmpty()) {
        out.emit("error", vm + ": lock not granted within " + timeout.toMillis() + " ms", "vm", vm);
        return lease;
      }
      out.emit(
          "lease",
          vm + ": lock granted, fencing token " + lease.get().token(),
          "vm",
          vm,
          "token",
          lease.get().token().toString());
      return lease;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (QuorateException e) {
      out.emit("error", vm + ": lock refused: " + e.getMessage(), "vm", vm);
      return Optional.empty();
    }
  }

  /** Shows the new token to the disk first: from now on it rejects every older holder. */
  private boolean claim(String vm, Lease lease) {
    FencingToken token = lease.token();
    try {
      Optional<FencingToken> newer = storage.write(vm, token, config.host(), "claim");
      if (newer.isPresent()) {
        out.emit("error", vm + ": disk rejects token " + token + ", it saw " + newer.get());
        lease.release();
        return false;
      }
    } catch (IOException e) {
      out.emit("error", vm + ": cannot reach the shared storage: " + e.getMessage());
      lease.release();
      return false;
    }
    out.emit(
        "claim",
        vm + ": disk claimed with token " + token + "; it now rejects every older token",
        "vm",
        vm,
        "token",
        token.toString());
    return true;
  }

  private void boot(String vm, Lease lease) {
    try {
      Process process = vms.start(vm, lease.token());
      running.put(vm, new Running(lease, process));
      lease.addListener(
          event -> {
            if (event.to() == LeaseState.LOST) {
              later(() -> lost(vm, event.cause()));
            }
          });
      out.emit(
          "vm-started",
          vm + " booting here (pid " + process.pid() + ") with token " + lease.token(),
          "vm",
          vm,
          "token",
          lease.token().toString(),
          "pid",
          Long.toString(process.pid()));
    } catch (IOException e) {
      lease.release();
      out.emit("error", vm + ": cannot start its process: " + e.getMessage(), "vm", vm);
    }
  }

  /** The blocking callback: another host waits for the VM. Stop it cleanly and let go. */
  private void handOver(String vm) {
    Running vmHere = running.remove(vm);
    if (vmHere == null) {
      return; // not running here (yet): the lease is released where it was taken
    }
    out.emit("blocking", "another host asks for " + vm + ": shutting it down cleanly", "vm", vm);
    int exit = stopVm(vmHere.process());
    vmHere.lease().release();
    out.emit("released", vm + " stopped (exit " + exit + ") and its lock released", "vm", vm);
  }

  private void lost(String vm, String cause) {
    Running vmHere = running.remove(vm);
    if (vmHere != null) {
      vmHere.process().destroyForcibly();
      out.emit("error", vm + ": lease LOST (" + cause + "); VM stopped", "vm", vm);
    }
  }

  private int stopVm(Process process) {
    try {
      return vms.stop(process, Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return -1;
    }
  }

  /** Stops every VM cleanly and releases its lock; waits for the worker to finish. */
  void shutdown() throws InterruptedException {
    worker.execute(
        () -> {
          for (String vm : List.copyOf(running.keySet())) {
            Running vmHere = running.remove(vm);
            stopVm(vmHere.process());
            vmHere.lease().release();
          }
        });
    worker.shutdown();
    worker.awaitTermination(15, TimeUnit.SECONDS);
  }

  private String names(SortedSet<MemberId> members) {
    List<String> names = new ArrayList<>();
    members.forEach(m -> names.add(config.nameOf(m).orElse(m.toString())));
    return String.join(",", names);
  }
}
