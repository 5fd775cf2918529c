package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.QuorateException;
import dev.quorate.vm.QemuGuest;
import dev.quorate.vm.VmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The VMs that run on one host, each under its lease: taking a VM's lock, claiming its disk with
 * the lease's token, booting it, and stopping it when the lease is lost. The one owner of the map
 * of running VMs. Decisions run on the cluster manager's worker ({@code later}); only {@link
 * #killAll} runs elsewhere, from the host's self-fence.
 */
final class LocalVms {
  /** A VM running on this host, with the lease that allows it. */
  record Running(Lease lease, QemuGuest guest) {}

  private final Emitter out;
  private final LockManager locks;
  private final VmRunner vms;
  private final Consumer<Runnable> later;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /**
   * @param later runs a decision on the cluster manager's worker
   */
  LocalVms(Emitter out, LockManager locks, VmRunner vms, Consumer<Runnable> later) {
    this.out = out;
    this.locks = locks;
    this.vms = vms;
    this.later = later;
  }

  boolean runsHere(String vm) {
    return running.containsKey(vm);
  }

  /**
   * Takes the VM's lock within {@code timeout}; {@code onBlocking} runs (on the worker) when
   * another host asks for it.
   */
  Optional<Lease> acquire(String vm, Duration timeout, Consumer<String> onBlocking) {
    LockOptions options =
        LockOptions.builder()
            .onBlocking((lease, wanted) -> later.accept(() -> onBlocking.accept(vm)))
            .build();
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
   * and once it runs the NBD server refuses every older token. Releases the lease if it cannot.
   */
  Optional<Running> claim(String vm, Lease lease) {
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
      return Optional.of(new Running(lease, guest));
    } catch (VmException e) {
      out.emit("error", vm + ": cannot claim its disk: " + e.getMessage(), "vm", vm);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lease.release();
    return Optional.empty();
  }

  /** Boots a claimed VM and keeps it; on failure stops it and releases its lease. */
  void boot(String vm, Running claimed) {
    Lease lease = claimed.lease();
    try {
      vms.boot(claimed.guest(), lease.token());
    } catch (VmException e) {
      stopAndRelease(claimed);
      out.emit("error", vm + ": cannot boot: " + e.getMessage(), "vm", vm);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    keep(vm, claimed);
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
  void keep(String vm, Running vmHere) {
    running.put(vm, vmHere);
    vmHere
        .lease()
        .addListener(
            event -> {
              if (event.to() == LeaseState.LOST) {
                later.accept(() -> lost(vm, event.cause()));
              }
            });
  }

  /** Forgets a VM that runs here (it is handed over), returning it if it ran here. */
  Optional<Running> remove(String vm) {
    return Optional.ofNullable(running.remove(vm));
  }

  private void lost(String vm, String cause) {
    Running vmHere = running.remove(vm);
    if (vmHere != null) {
      stop(vmHere.guest());
      out.emit("error", vm + ": lease LOST (" + cause + "); VM stopped", "vm", vm);
    }
  }

  void stopAndRelease(Running vmHere) {
    stop(vmHere.guest());
    vmHere.lease().release();
  }

  void stop(QemuGuest guest) {
    try {
      vms.stop(guest);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      guest.close();
    } catch (VmException e) {
      out.emit("error", guest.name() + ": cannot stop QEMU: " + e.getMessage());
    }
  }

  /** Stops every VM and releases its lock (a clean shutdown, on the worker). */
  void stopAll() {
    for (String vm : List.copyOf(running.keySet())) {
      remove(vm).ifPresent(this::stopAndRelease);
    }
  }

  /**
   * Kills every VM here at once, without a word to anyone (the host's self-fence: its watchdog
   * reboot takes the guests with it). Runs on the caller's thread: the worker may be stuck on the
   * network the host lost.
   *
   * @return the VMs killed, as {@code vm (pid N)}
   */
  List<String> killAll() {
    List<String> killed = new ArrayList<>();
    for (Map.Entry<String, Running> vm : running.entrySet()) {
      QemuGuest guest = vm.getValue().guest();
      try {
        guest.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      killed.add(
          vm.getKey()
              + " (pid "
              + (guest.pid().isPresent() ? Long.toString(guest.pid().getAsLong()) : "?")
              + ")");
    }
    return killed;
  }
}
