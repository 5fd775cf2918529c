package dev.quorate.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ErrorCode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real QEMU guests under TCG: boot, records on console and disk, pause and resume, quit, kill. */
@Timeout(300)
class QemuGuestIT {
  private static final Duration BOOT = Duration.ofSeconds(90);

  @TempDir Path dir;

  @BeforeEach
  void setUp() throws Exception {
    TestGuest.image(); // skips without QEMU
  }

  private static boolean recordAtLeast(String line, long seq) {
    return GuestRecord.isRecord(line) && GuestRecord.parse(line).seq() >= seq;
  }

  @Test
  void aGuestBootsAndItsRecordsAppearOnTheConsoleAndTheDisk() throws Exception {
    Path disk = TestGuest.newDisk(dir, "vm-1");
    try (QemuGuest vm = TestGuest.guest("vm-1", 7, dir.resolve("host-a")).disk(disk).build()) {
      long launched = System.nanoTime();
      vm.start();
      ConsoleLine first = vm.awaitConsole(GuestRecord::isRecord, BOOT);
      GuestRecord firstRecord = GuestRecord.parse(first.text());
      System.out.printf(
          "boot: kernel start to first record %d ms (guest uptime), QEMU launch to first record %d"
              + " ms (wall)%n",
          firstRecord.uptime().toMillis(), (first.receivedNanos() - launched) / 1_000_000);
      vm.awaitConsole(l -> recordAtLeast(l, 20), BOOT);
      assertThat(vm.status()).isEqualTo(GuestStatus.RUNNING);
      vm.stop(); // paused: everything it wrote is on the disk now
      assertThat(vm.status()).isEqualTo(GuestStatus.PAUSED);

      List<GuestRecord> console =
          vm.console().stream()
              .map(ConsoleLine::text)
              .filter(GuestRecord::isRecord)
              .map(GuestRecord::parse)
              .toList();
      List<GuestRecord> onDisk = GuestDisk.read(disk);
      assertThat(firstRecord.seq()).isZero();
      assertThat(onDisk).hasSizeGreaterThanOrEqualTo(21);
      // Every record printed was written first; the disk may hold one more, not yet printed.
      assertThat(onDisk.subList(0, console.size())).isEqualTo(console);
      assertThat(onDisk).allSatisfy(r -> assertThat(r.token()).isEqualTo(7));
      assertThat(onDisk).allSatisfy(r -> assertThat(r.guest()).isEqualTo("vm-1"));
      vm.quit();
      assertThat(vm.status()).isEqualTo(GuestStatus.OFF);
    }
  }

  @Test
  void aPausedGuestWritesNothingUntilItIsResumed() throws Exception {
    Path disk = TestGuest.newDisk(dir, "vm-2");
    try (QemuGuest vm = TestGuest.guest("vm-2", 3, dir.resolve("host-a")).disk(disk).build()) {
      vm.start();
      vm.awaitConsole(l -> recordAtLeast(l, 3), BOOT);
      vm.stop();
      assertThat(vm.status()).isEqualTo(GuestStatus.PAUSED);
      // QMP stop drains the guest's disk I/O: what is on the disk now stays as it is.
      int written = GuestDisk.read(disk).size();
      assertThat(vm.status()).isEqualTo(GuestStatus.PAUSED);
      assertThat(GuestDisk.read(disk)).hasSize(written);
      // Every record printed so far was written to the disk before it was printed.
      assertThat(vm.console().stream().map(ConsoleLine::text).filter(GuestRecord::isRecord))
          .allSatisfy(l -> assertThat(GuestRecord.parse(l).seq()).isLessThan(written));

      vm.cont();
      assertThat(vm.status()).isEqualTo(GuestStatus.RUNNING);
      long next = written + 2;
      vm.awaitConsole(l -> recordAtLeast(l, next), BOOT);
      vm.stop();
      List<GuestRecord> after = GuestDisk.read(disk);
      assertThat(after).hasSizeGreaterThan(written);
    }
  }

  @Test
  void aRebootedGuestContinuesTheSequenceOnItsDiskUnderANewToken() throws Exception {
    Path disk = TestGuest.newDisk(dir, "vm-3");
    try (QemuGuest first = TestGuest.guest("vm-3", 1, dir.resolve("host-a")).disk(disk).build()) {
      first.start();
      first.awaitConsole(l -> recordAtLeast(l, 5), BOOT);
      first.kill(); // a power cut
      assertThat(first.status()).isEqualTo(GuestStatus.OFF);
    }
    int before = GuestDisk.read(disk).size();
    try (QemuGuest second = TestGuest.guest("vm-3", 2, dir.resolve("host-b")).disk(disk).build()) {
      second.start();
      ConsoleLine boot = second.awaitConsole(l -> l.startsWith("QBOOT "), BOOT);
      assertThat(boot.text()).contains("token=2", "start=" + before);
      second.awaitConsole(l -> recordAtLeast(l, before + 3), BOOT);
      second.quit();
    }
    List<GuestRecord> records = GuestDisk.read(disk);
    assertThat(records.subList(0, before)).allSatisfy(r -> assertThat(r.token()).isEqualTo(1));
    assertThat(records.subList(before, records.size()))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.token()).isEqualTo(2));
  }

  @Test
  void aGuestWritesToAnNbdExportWithQemuAsTheClient() throws Exception {
    TestGuest.requireProgram("qemu-nbd", "qemu-utils");
    Path disk = TestGuest.newDisk(dir, "vm-n");
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path pidFile = dir.resolve("qemu-nbd.pid");
    // qemu-nbd (the reference server) forks once it listens: its parent's exit means "ready".
    Process nbd =
        new ProcessBuilder(
                "qemu-nbd",
                "--fork",
                "--persistent",
                "--pid-file=" + pidFile,
                "--bind=127.0.0.1",
                "--port=" + port,
                "--format=raw",
                "--export-name=vm-n",
                disk.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(nbd.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(nbd.exitValue()).as(new String(nbd.getInputStream().readAllBytes())).isZero();
    ProcessHandle server =
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();
    try (QemuGuest vm =
        TestGuest.guest("vm-n", 4, dir.resolve("host-a"))
            .disk(URI.create("nbd://127.0.0.1:" + port + "/vm-n"))
            .build()) {
      vm.start();
      vm.awaitConsole(l -> recordAtLeast(l, 5), BOOT);
      vm.quit();
    } finally {
      server.destroy();
      server.onExit().get(30, TimeUnit.SECONDS);
    }
    List<GuestRecord> records = GuestDisk.read(disk);
    assertThat(records).hasSizeGreaterThanOrEqualTo(6);
    assertThat(records).allSatisfy(r -> assertThat(r.token()).isEqualTo(4));
  }

  @Test
  void autoUsesKvmOnlyWhereAProbeBootWorksAndTheGuestBootsEitherWay() throws Exception {
    Path disk = TestGuest.newDisk(dir, "vm-k");
    try (QemuGuest vm =
        TestGuest.guest("vm-k", 1, dir.resolve("host-a")).disk(disk).accel(Accel.AUTO).build()) {
      vm.start();
      vm.awaitConsole(l -> recordAtLeast(l, 2), BOOT);
      System.out.println("accel AUTO chose " + vm.accelInUse().orElseThrow());
      assertThat(vm.accelInUse()).isPresent();
      vm.quit();
    }
    assertThat(GuestDisk.read(disk)).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void aQemuThatCannotOpenItsDiskFailsToStartWithQemusError() throws Exception {
    QemuGuest vm =
        TestGuest.guest("vm-4", 1, dir.resolve("host-a")).disk(dir.resolve("missing.img")).build();
    try (vm) {
      assertThatThrownBy(vm::start)
          .isInstanceOf(VmException.class)
          .satisfies(e -> assertThat(((VmException) e).code()).isEqualTo(ErrorCode.IO_FAILURE))
          .hasMessageContaining("missing.img");
    }
  }
}
