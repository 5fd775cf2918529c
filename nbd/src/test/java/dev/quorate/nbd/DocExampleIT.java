package dev.quorate.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/nbd.md, compiled and run: a lease's token opens the VM's disk. */
@Timeout(60)
class DocExampleIT {
  @TempDir Path dir;

  @BeforeAll
  static void requireQemu() {
    Qemu.require();
  }

  @Test
  void aLeaseTokenOpensTheDisk() throws Exception {
    Path image = dir.resolve("vm-web-1.img");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(1 << 20);
    }
    // docs/nbd.md, "Serving a VM's disk"
    try (LockManager manager = LockManager.inProcess();
        NbdServer server =
            NbdServer.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .export("vm-web-1", image) // highest token kept in vm-web-1.img.token
                .build()) {
      server.start();
      try (Lease lease = manager.lock("vm/web-1").acquire(LockMode.EX)) {
        String drive =
            "nbd://127.0.0.1:" + server.port() + "/" + ExportName.of("vm-web-1", lease.token());
        bootGuest(drive); // qemu-system-x86_64 -drive file=<drive>,format=raw,if=virtio ...
      }
    }
    assertThat(booted).contains("virtual size: 1 MiB");
  }

  private String booted = "";

  /** Stands in for the guest: QEMU's NBD client opens the drive and reads its size. */
  private void bootGuest(String drive) {
    booted = Qemu.run("qemu-img", "info", "-f", "raw", drive).output();
  }
}
