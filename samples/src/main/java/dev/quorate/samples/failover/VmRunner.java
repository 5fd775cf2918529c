package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import dev.quorate.nbd.ExportName;
import dev.quorate.vm.ConsoleLine;
import dev.quorate.vm.GuestRecord;
import dev.quorate.vm.MigrationResult;
import dev.quorate.vm.QemuGuest;
import dev.quorate.vm.QemuGuestBuilder;
import dev.quorate.vm.VmException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts and stops a host's VMs: each VM is a QEMU process ({@link DemoGuest}) whose disk is the
 * VM's export on the demo's token-fenced NBD server, opened with the fencing token of the host's
 * lease. Every QEMU is powered by the host's plug of the power switch, so a power cut of the host
 * kills it.
 */
final class VmRunner {
  private static final Duration BOOT = Duration.ofSeconds(60);

  private final String host;
  private final Path runtimeDir;
  private final String nbd;
  private final DemoGuest guest;
  private final PowerSwitch power;
  private final Emitter out;

  VmRunner(String host, Path work, String nbd, DemoGuest guest, PowerSwitch power, Emitter out) {
    this.host = host;
    this.runtimeDir = runtimeDir(work, host);
    this.nbd = nbd;
    this.guest = guest;
    this.power = power;
    this.out = out;
  }

  /** Where a host's QEMU processes keep their sockets and pid files; the power switch knows it. */
  static Path runtimeDir(Path work, String host) {
    return work.resolve("run").resolve(host);
  }

  /**
   * Claims the VM's disk: starts QEMU with its CPUs stopped and its disk opened as {@code
   * vm@token}. When this returns, the NBD server has accepted the token and revoked every older
   * connection (QEMU opens its drives before it answers on its monitor).
   */
  QemuGuest claim(String vm, FencingToken token) throws InterruptedException {
    return launch(guest.builder(vm, token, runtimeDir).startPaused(), vm, ExportName.of(vm, token));
  }

  /**
   * Prepares the destination of a live migration: QEMU waits for the guest's state, its disk opened
   * as a standby ({@code vm@token+standby}) that takes the export over at its first write, after
   * the source has stopped for good.
   */
  QemuGuest receive(String vm, FencingToken token) throws InterruptedException {
    return launch(
        guest.builder(vm, token, runtimeDir).incomingMigration(),
        vm,
        ExportName.standby(vm, token));
  }

  private QemuGuest launch(QemuGuestBuilder builder, String vm, ExportName export)
      throws InterruptedException {
    QemuGuest qemu = builder.disk(URI.create("nbd://" + nbd + "/" + export)).build();
    try {
      qemu.start();
    } catch (VmException e) {
      qemu.close();
      throw e;
    }
    power.connect(host, qemu.pid().orElseThrow());
    deprioritize(qemu.pid().orElseThrow());
    return qemu;
  }

  /**
   * Lowers the priority of every thread of a QEMU (nice 10): software-emulated guests take all the
   * CPU they get, and the hosts' cluster managers must keep their ZooKeeper sessions and
   * quorum-disk heartbeats on a loaded 2-core machine, as a real cluster manager runs above its
   * guests. Threads QEMU starts later inherit the value.
   */
  private static void deprioritize(long pid) throws InterruptedException {
    List<String> command = new ArrayList<>(List.of("renice", "-n", "10", "-p"));
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks.forEach(t -> command.add(t.getFileName().toString()));
      Process renice = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!renice.waitFor(10, TimeUnit.SECONDS) || renice.exitValue() != 0) {
        renice.destroyForcibly();
        System.err.println("cannot lower the priority of QEMU " + pid + ": " + output);
      }
    } catch (IOException e) {
      System.err.println("cannot lower the priority of QEMU " + pid + ": " + e);
    }
  }

  /**
   * Boots a claimed VM ({@code cont}) and reports its first record as event {@code vm-boot}: the
   * outage ends there. {@code ms} is the wall time from {@code cont}, {@code up} the guest's own
   * uptime when it wrote the record.
   */
  void boot(QemuGuest qemu, FencingToken token) throws InterruptedException {
    long cont = System.nanoTime();
    qemu.cont();
    reportFirstRecord(qemu, token, cont, "vm-boot", "first record on its disk", 0);
  }

  /**
   * Reports the first record a migrated guest writes here as event {@code vm-resumed}, once two
   * more have followed: {@code nextMaxMs} is the largest interval between those three.
   */
  void awaitResume(QemuGuest qemu, FencingToken token) {
    reportFirstRecord(
        qemu, token, System.nanoTime(), "vm-resumed", "first record after migration", 2);
  }

  private void reportFirstRecord(
      QemuGuest qemu, FencingToken token, long since, String kind, String what, int follow) {
    String vm = qemu.name();
    Thread watcher =
        new Thread(
            () -> {
              try {
                ConsoleLine line = qemu.awaitConsole(GuestRecord::isRecord, BOOT);
                GuestRecord record = GuestRecord.parse(line.text());
                long last = record.seq() + follow;
                qemu.awaitConsole(
                    l -> GuestRecord.isRecord(l) && GuestRecord.parse(l).seq() >= last, BOOT);
                long nextMax = largestInterval(records(qemu), line.receivedNanos());
                out.emit(
                    kind,
                    vm + ": " + what + " (seq " + record.seq() + ", lease token " + token + ")",
                    "vm",
                    vm,
                    "token",
                    token.toString(),
                    "seq",
                    Long.toString(record.seq()),
                    "up",
                    Long.toString(record.uptime().toMillis()),
                    "ms",
                    Long.toString((line.receivedNanos() - since) / 1_000_000),
                    "nanos",
                    Long.toString(line.receivedNanos()),
                    "nextMaxMs",
                    Long.toString(nextMax / 1_000_000));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (VmException e) {
                out.emit("error", vm + " never wrote a record: " + e.getMessage(), "vm", vm);
              }
            },
            "first-record-" + vm);
    watcher.setDaemon(true);
    watcher.start();
  }

  /** The record lines the guest printed here, oldest first. */
  private static List<ConsoleLine> records(QemuGuest qemu) {
    return qemu.console().stream().filter(l -> GuestRecord.isRecord(l.text())).toList();
  }

  /**
   * The largest interval between consecutive records, in nanoseconds, counting from the last record
   * received before {@code sinceNanos} (or the first one).
   */
  private static long largestInterval(List<ConsoleLine> records, long sinceNanos) {
    int start = 0;
    while (start + 1 < records.size() && records.get(start + 1).receivedNanos() < sinceNanos) {
      start++;
    }
    long largest = 0;
    for (int i = start + 1; i < records.size(); i++) {
      largest =
          Math.max(largest, records.get(i).receivedNanos() - records.get(i - 1).receivedNanos());
    }
    return largest;
  }

  /**
   * Live-migrates a running guest to the incoming QEMU at {@code socket} (another host's) and
   * reports event {@code migrated}: QEMU's downtime, the source's last record ({@code lastNanos})
   * and the largest interval between its records during the migration ({@code maxMs}). The caller
   * stops the source afterwards.
   */
  void send(QemuGuest qemu, Path socket) throws InterruptedException {
    long sent = System.nanoTime();
    MigrationResult result = qemu.migrateTo(socket, Duration.ofSeconds(60));
    List<ConsoleLine> records = records(qemu);
    ConsoleLine last = records.get(records.size() - 1);
    out.emit(
        "migrated",
        qemu.name()
            + ": live migration completed: QEMU downtime "
            + result.downtime().toMillis()
            + " ms, total "
            + result.totalTime().toMillis()
            + " ms, "
            + (result.transferredBytes() >> 20)
            + " MiB sent; the source stopped for good at seq "
            + GuestRecord.parse(last.text()).seq(),
        "vm",
        qemu.name(),
        "downtime",
        Long.toString(result.downtime().toMillis()),
        "lastNanos",
        Long.toString(last.receivedNanos()),
        "maxMs",
        Long.toString(largestInterval(records, sent) / 1_000_000));
  }

  /** Stops QEMU (QMP quit), or kills it if it does not quit. */
  void stop(QemuGuest qemu) throws InterruptedException {
    try {
      qemu.quit();
    } catch (VmException e) {
      qemu.kill();
    } finally {
      qemu.close();
    }
  }
}
