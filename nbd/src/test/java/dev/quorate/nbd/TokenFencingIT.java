package dev.quorate.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.FencingToken;
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

/**
 * Preempt semantics with real QEMU clients: a newer token revokes the older connection at once, an
 * older token is refused, and the persistent guard keeps refusing it after a restart.
 */
@Timeout(180)
class TokenFencingIT {
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
    image = dir.resolve("vm-web-1.img");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(SIZE);
    }
    server = start();
  }

  private NbdServer start() {
    // The default guard: persistent, in vm-web-1.img.token beside the image.
    NbdServer started =
        NbdServer.builder()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .export("vm-web-1", image)
            .build();
    started.start();
    return started;
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void aNewerTokenRevokesTheOlderClientAndAnOlderTokenIsRefusedEvenAfterARestart()
      throws Exception {
    try (Qemu.Session a = Qemu.Session.open(Qemu.url(server, "vm-web-1@5"))) {
      assertThat(a.run("write -P 0xaa 0 64k")).contains("wrote 65536/65536");

      try (Qemu.Session b = Qemu.Session.open(Qemu.url(server, "vm-web-1@7"))) {
        // A is still connected, but its token is older than B's from the moment B opened.
        assertThat(a.run("write -P 0xa1 64k 64k"))
            .contains("write failed: Operation not permitted");
        assertThat(a.run("read 0 4k")).contains("read failed: Operation not permitted");
        assertThat(b.run("write -P 0xbb 0 64k")).contains("wrote 65536/65536");
        assertThat(b.run("read -P 0xbb 0 64k")).contains("read 65536/65536");
        assertThat(a.run("write -P 0xa2 0 4k")).contains("write failed: Operation not permitted");
      }
    }
    byte[] bytes = Files.readAllBytes(image);
    assertThat(Arrays.copyOf(bytes, 65536)).containsOnly(0xbb);
    assertThat(bytes).doesNotContain((byte) 0xa1).doesNotContain((byte) 0xa2);

    Qemu.Result older =
        Qemu.run("qemu-io", "-f", "raw", Qemu.url(server, "vm-web-1@3"), "-c", "read 0 4k");
    assertThat(older.exit()).isNotZero();
    assertThat(older.output()).contains("3.0 is older than 7.0");

    server.close();
    server = start();
    Qemu.Result afterRestart =
        Qemu.run(
            "qemu-io", "-f", "raw", Qemu.url(server, "vm-web-1@5"), "-c", "write -P 0xa5 0 4k");
    assertThat(afterRestart.exit()).isNotZero();
    assertThat(afterRestart.output()).contains("5.0 is older than 7.0");
    Qemu.Result holder =
        Qemu.run(
            "qemu-io", "-f", "raw", Qemu.url(server, "vm-web-1@7"), "-c", "read -P 0xbb 0 64k");
    assertThat(holder.exit()).as(holder.output()).isZero();
    assertThat(Files.readAllBytes(image)).doesNotContain((byte) 0xa5);
  }

  @Test
  void aStandbyOpenLeavesTheSourceWritingUntilItsOwnFirstWrite() throws Exception {
    // The shape of a live migration: the destination opens the disk while the source runs.
    try (Qemu.Session source = Qemu.Session.open(Qemu.url(server, "vm-web-1@5"));
        Qemu.Session destination =
            Qemu.Session.open(
                Qemu.url(server, ExportName.standby("vm-web-1", FencingToken.of(7)).toString()))) {
      assertThat(destination.run("read 0 4k")).contains("read 4096/4096");
      assertThat(source.run("write -P 0x51 0 64k")).contains("wrote 65536/65536");

      assertThat(destination.run("write -P 0xd7 64k 64k")).contains("wrote 65536/65536");
      assertThat(source.run("write -P 0x52 0 4k"))
          .contains("write failed: Operation not permitted");
      assertThat(destination.run("read -P 0x51 0 64k")).contains("read 65536/65536");
    }
    byte[] bytes = Files.readAllBytes(image);
    assertThat(Arrays.copyOf(bytes, 65536)).containsOnly(0x51);
    assertThat(Arrays.copyOfRange(bytes, 65536, 131072)).containsOnly(0xd7);
    Qemu.Result older =
        Qemu.run("qemu-io", "-f", "raw", Qemu.url(server, "vm-web-1@5"), "-c", "read 0 4k");
    assertThat(older.output()).contains("5.0 is older than 7.0");
  }
}
