package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.vm.QemuGuest;
import dev.quorate.vm.VmException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One host's part in live migrations: as the source, it hands a VM's lock over while the guest runs
 * on, and sends the guest when asked; as the destination, it opens the disk as a standby with its
 * new token and waits for the guest. The export moves to the new token at the guest's first write
 * on the destination, after the source stopped for good. Runs on the cluster manager's worker.
 */
final class MigrationHandover {
  private final Emitter out;
  private final VmRunner vms;
  private final LocalVms local;

  /** VMs whose lock goes to the host they migrate to; the guest runs on until sent there. */
  private final Set<String> outgoing = new TreeSet<>();

  /** Guests whose lock was handed over for a migration that has not run yet. */
  private final Map<String, QemuGuest> handedOver = new ConcurrentHashMap<>();

  MigrationHandover(Emitter out, VmRunner vms, LocalVms local) {
    this.out = out;
    this.vms = vms;
    this.local = local;
  }

  /** The source: the next request for the VM's lock gets it at once. */
  void migrateOut(String vm) {
    outgoing.add(vm);
    out.emit("migrate-out", vm + ": ready to hand its lock over for a live migration", "vm", vm);
  }

  /**
   * Hands the VM's lock over if it is to migrate: its guest runs on until it is sent.
   *
   * @return false if the VM is not migrating out (a cold switchover stops it instead)
   */
  boolean handOver(String vm, LocalVms.Running vmHere) {
    if (!outgoing.remove(vm)) {
      return false;
    }
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
    return true;
  }

  /**
   * The destination, holding the VM's new lease: starts an incoming QEMU whose disk is a standby
   * open with the new token, and says where the source may send the guest.
   */
  void receive(String vm, Lease lease) {
    FencingToken token = lease.token();
    try {
      QemuGuest incoming = vms.receive(vm, token);
      local.keep(vm, new LocalVms.Running(lease, incoming));
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
      lease.release();
      out.emit("error", vm + ": cannot receive it: " + e.getMessage(), "vm", vm);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends a VM whose lock was handed over to the incoming QEMU at {@code socket}. */
  void send(String vm, Path socket) {
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
      local.stop(guest);
    }
  }

  /** Stops the guests handed over but never sent (a clean shutdown). */
  void stopAll() {
    handedOver.values().forEach(local::stop);
    handedOver.clear();
  }
}
