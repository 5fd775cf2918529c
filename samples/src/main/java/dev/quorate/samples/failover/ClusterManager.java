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
import dev.quorate.vm.QemuGuest;
import dev.quorate.vm.VmException;
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
import java.util.concurrent.ConcurrentHashMap;
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
 * interleave.
 */
final class ClusterManager {
  /** A VM running on this host, with the lease that allows it. */
  private record Running(Lease lease, QemuGuest guest) {}

  private final HostConfig config;
  private final Emitter out;
  private final LockManager locks;
  private final Fencer fencer;
  private final VmRunner vms;
  private final ExecutorService worker;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** VMs whose lock goes to the host they migrate to; the guest runs on until sent there. */
  private final Set<String> outgoing = new TreeSet<>();

  /** Guests whose lock was handed over for a migration that has not run yet. */
  private final Map<String, QemuGuest> handedOver = new ConcurrentHashMap<>();

  private final Set<MemberId> lost = new TreeSet<>();
  private final Set<String> stopped = new TreeSet<>();

  ClusterManager(HostConfig config, Emitter out, LockManager locks, Fencer fencer, VmRunner vms) {
    this.config = config;
    this.out = out;
    this.locks = locks;
    this.fencer = fencer;
    this.vms = vms;
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
    Map<String, Running> taken = new LinkedHashMap<>();
    // Two hosts: every VM not running here ran on the lost peer.
    for (String vm : config.vms()) {
      if (!running.containsKey(vm)) {
        acquire(vm, DemoTiming.ZK_SESSION.multipliedBy(4))
            .ifPresent(
                lease -> claim(vm, lease).ifPresent(g -> taken.put(vm, new Running(lease, g))));
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
            boot(vm, claimed);
          } else {
            stopVm(claimed.guest());
            claimed.lease().release();
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
    acquire(vm, timeout)
        .ifPresent(lease -> claim(vm, lease).ifPresent(g -> boot(vm, new Running(lease, g))));
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

  /**
   * Opens the VM's disk with the new token before anything else: QEMU starts with its CPUs stopped,
   * and once it runs the NBD server refuses every older token.
   */
  private Optional<QemuGuest> claim(String vm, Lease lease) {
    FencingToken token = lease.token();
    try {
      QemuGuest guest = vms.claim(vm, token);
      out.emit(
          "claim",
          vm
              + ": disk opened on the NBD server with token "
              + token
              + " (QEMU pid "
              + guest.pid().orElseThrow()
              + ", CPUs stopped); the server refuses every older token now",
          "vm",
          vm,
          "token",
          token.toString());
      return Optional.of(guest);
    } catch (VmException e) {
      out.emit("error", vm + ": cannot claim its disk: " + e.getMessage(), "vm", vm);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lease.release();
    return Optional.empty();
  }

  private void boot(String vm, Running claimed) {
    Lease lease = claimed.lease();
    try {
      vms.boot(claimed.guest(), lease.token());
    } catch (VmException e) {
      stopVm(claimed.guest());
      lease.release();
      out.emit("error", vm + ": cannot boot: " + e.getMessage(), "vm", vm);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    run(vm, claimed);
    out.emit(
        "vm-started",
        vm
            + " booting here (QEMU pid "
            + claimed.guest().pid().orElseThrow()
            + ") with token "
            + lease.token(),
        "vm",
        vm,
        "token",
        lease.token().toString());
  }

  /** Keeps a VM that runs here, and stops it if its lease is lost. */
  private void run(String vm, Running vmHere) {
    running.put(vm, vmHere);
    vmHere
        .lease()
        .addListener(
            event -> {
              if (event.to() == LeaseState.LOST) {
                later(() -> lost(vm, event.cause()));
              }
            });
  }

  /** The source of a live migration: the next request for the VM's lock gets it at once. */
  void migrateOut(String vm) {
    later(
        () -> {
          outgoing.add(vm);
          out.emit(
              "migrate-out", vm + ": ready to hand its lock over for a live migration", "vm", vm);
        });
  }

  /**
   * The destination of a live migration: takes the VM's lock (the source hands it over), starts an
   * incoming QEMU whose disk is a standby open with the new token, and says where the source may
   * send the guest.
   */
  void migrateIn(String vm, Duration timeout) {
    later(
        () -> {
          Optional<Lease> lease = acquire(vm, timeout);
          if (lease.isEmpty()) {
            return;
          }
          FencingToken token = lease.get().token();
          try {
            QemuGuest incoming = vms.receive(vm, token);
            run(vm, new Running(lease.get(), incoming));
            vms.awaitResume(incoming, token);
            out.emit(
                "incoming",
                vm
                    + ": waiting for the guest (QEMU pid "
                    + incoming.pid().orElseThrow()
                    + "), disk opened as standby with token "
                    + token,
                "vm",
                vm,
                "token",
                token.toString(),
                "socket",
                incoming.migrationSocket().toString());
          } catch (VmException e) {
            lease.get().release();
            out.emit("error", vm + ": cannot receive it: " + e.getMessage(), "vm", vm);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /** Sends a VM whose lock was handed over to the incoming QEMU at {@code socket}. */
  void send(String vm, Path socket) {
    later(
        () -> {
          QemuGuest guest = handedOver.remove(vm);
          if (guest == null) {
            out.emit("error", vm + ": no handed-over guest to send", "vm", vm);
            return;
          }
          try {
            vms.send(guest, socket);
          } catch (VmException e) {
            out.emit("error", vm + ": live migration failed: " + e.getMessage(), "vm", vm);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            stopVm(guest);
          }
        });
  }

  /**
   * The blocking callback: another host waits for the VM. Stop it and let go, or, for a live
   * migration, let go while the guest runs on until it is sent.
   */
  private void handOver(String vm) {
    Running vmHere = running.remove(vm);
    if (vmHere == null) {
      return; // not running here (yet): the lease is released where it was taken
    }
    if (outgoing.remove(vm)) {
      handedOver.put(vm, vmHere.guest());
      vmHere.lease().release();
      out.emit(
          "released",
          vm
              + ": lock handed over for the live migration; the guest runs on with token "
              + vmHere.lease().token()
              + " until it is sent",
          "vm",
          vm,
          "live",
          "true");
      return;
    }
    out.emit("blocking", "another host asks for " + vm + ": stopping it (QMP quit)", "vm", vm);
    stopVm(vmHere.guest());
    vmHere.lease().release();
    out.emit("released", vm + " stopped and its lock released", "vm", vm);
  }

  private void lost(String vm, String cause) {
    Running vmHere = running.remove(vm);
    if (vmHere != null) {
      stopVm(vmHere.guest());
      out.emit("error", vm + ": lease LOST (" + cause + "); VM stopped", "vm", vm);
    }
  }

  private void stopVm(QemuGuest guest) {
    try {
      vms.stop(guest);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      guest.close();
    } catch (VmException e) {
      out.emit("error", guest.name() + ": cannot stop QEMU: " + e.getMessage());
    }
  }

  /** Stops every VM and releases its lock; waits for the worker to finish. */
  void shutdown() throws InterruptedException {
    worker.execute(
        () -> {
          for (String vm : List.copyOf(running.keySet())) {
            Running vmHere = running.remove(vm);
            stopVm(vmHere.guest());
            vmHere.lease().release();
          }
          handedOver.values().forEach(this::stopVm);
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
