package dev.quorate.samples.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.FencingToken;
import dev.quorate.nbd.ExportName;
import dev.quorate.nbd.NbdServer;
import dev.quorate.vm.ConsoleLine;
import dev.quorate.vm.GuestDisk;
import dev.quorate.vm.GuestRecord;
import dev.quorate.vm.GuestStatus;
import dev.quorate.vm.QemuGuest;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of resource fencing with real guests: a stale guest that keeps running beside
 * its successor, both on one export of the token-fenced NBD server. Its writes are refused at the
 * server from the successor's open on, and the disk read back shows one writer per token epoch and
 * no record of the older token after a newer one, every record whole.
 */
@Timeout(180)
class StaleGuestIT {
  private static final Duration BOOT = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void aStaleGuestThatKeepsRunningIsRefusedAtTheServerNeverHalfWritten() throws Exception {
    DemoGuest image = DemoGuest.locate(TestGuest.directory());
    Path disk = dir.resolve("vm-s.img");
    try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
      file.setLength(4L << 20);
    }
    try (NbdServer server =
        NbdServer.builder()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .export("vm-s", disk)
            .build()) {
      server.start();
      FencingToken old = FencingToken.of(5);
      FencingToken newer = FencingToken.of(7);
      try (QemuGuest stale = guest(image, server, old, "host-a");
          QemuGuest successor = guest(image, server, newer, "host-b")) {
        stale.start();
        stale.awaitConsole(l -> atLeast(l, 10), BOOT);

        successor.start(); // its open revokes the stale guest's connection
        long first =
            GuestRecord.parse(successor.awaitConsole(GuestRecord::isRecord, BOOT).text()).seq();
        successor.awaitConsole(l -> atLeast(l, first + 10), BOOT);
        assertThat(stale.status())
            .as("the stale guest keeps running")
            .isEqualTo(GuestStatus.RUNNING);
        // The successor stops; the stale guest tries twice more: anything of it that lands now
        // lies after the successor's records on the disk.
        successor.stop();
        Set<String> before =
            stale.console().stream().map(ConsoleLine::text).collect(Collectors.toSet());
        for (int attempt = 0; attempt < 2; attempt++) {
          ConsoleLine next =
              stale.awaitConsole(
                  l -> (GuestRecord.isRecord(l) || l.startsWith("QERR")) && !before.contains(l),
                  BOOT);
          before.add(next.text());
        }
        stale.stop();

        List<GuestRecord> records = GuestDisk.read(disk); // every CRC checked, seq == slot
        DiskHistory history = new DiskHistory("vm-s", records);
        System.out.println("vm-s read back: " + history.epochs());
        assertThat(history.violations()).as("the disk's history").isEmpty();
        assertThat(history.epochs()).hasSize(2);
        List<String> staleLines = stale.console().stream().map(ConsoleLine::text).toList();
        int refusedAt =
            staleLines.indexOf(
                staleLines.stream()
                    .filter(l -> l.startsWith("QERR") && l.contains("write failed"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the stale guest saw no refused write")));
        System.out.println("stale guest, first refusal: " + staleLines.get(refusedAt));
        assertThat(staleLines.subList(refusedAt, staleLines.size()))
            .as("the stale guest writes no record once refused")
            .noneMatch(GuestRecord::isRecord);
      }
    }
  }

  private QemuGuest guest(DemoGuest image, NbdServer server, FencingToken token, String host) {
    return image
        .builder("vm-s", token, dir.resolve(host))
        .disk(URI.create("nbd://127.0.0.1:" + server.port() + "/" + ExportName.of("vm-s", token)))
        .build();
  }

  private static boolean atLeast(String line, long seq) {
    return GuestRecord.isRecord(line) && GuestRecord.parse(line).seq() >= seq;
  }
}
