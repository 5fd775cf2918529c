package dev.quorate.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.TokenGuard;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QEMU's own NBD client (qemu-io, qemu-img from qemu-utils) against the server. */
@Timeout(120)
class QemuClientIT {
  private static final int SIZE = 1 << 20;

  @TempDir Path dir;
  private Path image;
  private NbdServer server;

  @BeforeAll
  static void requireQemu() {
    Qemu.require();
  }

  @BeforeEach
  void setUp() throws Exception {
    image = dir.resolve("vm-a.img");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(SIZE);
    }
    server =
        NbdServer.builder()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .export("vm-a", image, TokenGuard.inMemory())
            .build();
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void qemuIoWritesAndReadsBack() throws Exception {
    Qemu.Result result =
        Qemu.run(
            "qemu-io",
            "-f",
            "raw",
            Qemu.url(server, "vm-a@1"),
            "-c",
            "write -P 0xab 0 64k",
            "-c",
            "read -P 0xab 0 64k");

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("wrote 65536/65536").contains("read 65536/65536");
    byte[] bytes = Files.readAllBytes(image);
    assertThat(Arrays.copyOf(bytes, 65536)).containsOnly(0xab);
    assertThat(Arrays.copyOfRange(bytes, 65536, SIZE)).containsOnly(0);
  }

  @Test
  void qemuIoWithFuaAndFlush() {
    Qemu.Result result =
        Qemu.run(
            "qemu-io",
            "-f",
            "raw",
            Qemu.url(server, "vm-a@1.0"),
            "-c",
            "write -f -P 0x5a 4k 4k",
            "-c",
            "flush",
            "-c",
            "discard 0 64k",
            "-c",
            "read -P 0x5a 4k 4k");
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).doesNotContain("failed");
  }

  @Test
  void qemuImgInfoReadsTheSize() {
    Qemu.Result result =
        Qemu.run("qemu-img", "info", "-f", "raw", Qemu.url(server, "vm-a@" + FencingToken.of(2)));
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("virtual size: 1 MiB (1048576 bytes)");
  }

  @Test
  void qemuNbdListsTheExportsWithoutAdmittingAnyToken() {
    Qemu.Result result =
        Qemu.run("qemu-nbd", "--list", "-b", "127.0.0.1", "-p", Integer.toString(server.port()));
    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("export: 'vm-a'")
        .contains("size:  1048576")
        .contains("flush fua trim")
        .contains("max block: 33554432");
  }

  @Test
  void anExportNameWithoutTokenIsRefusedWithTheReason() {
    Qemu.Result result =
        Qemu.run("qemu-io", "-f", "raw", Qemu.url(server, "vm-a"), "-c", "read 0 4k");
    assertThat(result.exit()).isNotZero();
    assertThat(result.output()).contains("'vm-a' carries no fencing token");
  }
}
