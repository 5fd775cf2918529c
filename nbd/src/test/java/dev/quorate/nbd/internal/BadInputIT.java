package dev.quorate.nbd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.quorate.lock.TokenGuard;
import dev.quorate.nbd.NbdServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Bad clients over real TCP: malformed handshakes, stalls, vanishing mid-write, out-of-range and
 * oversized requests, too many connections. Each is closed or refused with a log line that names
 * the peer and the bad value, writes nothing out of range, and leaves other exports alone.
 */
@Timeout(60)
class BadInputIT {
  private static final int SIZE = 256 << 10;
  private static final int MAX_REQUEST = 64 << 10;

  @TempDir Path dir;
  private Path diskA;
  private Path diskB;
  private NbdServer server;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger nbdLogger = (Logger) LoggerFactory.getLogger("dev.quorate.nbd");

  @BeforeEach
  void setUp() throws Exception {
    log.start();
    nbdLogger.addAppender(log);
    diskA = Files.write(dir.resolve("vm-a.img"), new byte[SIZE]);
    diskB = Files.write(dir.resolve("vm-b.img"), new byte[SIZE]);
    server =
        NbdServer.builder()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .export("vm-a", diskA, TokenGuard.inMemory())
            .export("vm-b", diskB, TokenGuard.inMemory())
            .maxRequestBytes(MAX_REQUEST)
            .maxConnections(4)
            .handshakeTimeout(Duration.ofMillis(500))
            .requestTimeout(Duration.ofMillis(500))
            .build();
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
    nbdLogger.detachAppender(log);
  }

  private List<String> lines() {
    synchronized (log) {
      return log.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }
  }

  private void awaitLogLine(String... parts) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(lines())
                    .anySatisfy(
                        line -> {
                          for (String part : parts) {
                            assertThat(line).contains(part);
                          }
                        }));
  }

  private static byte[] filled(int length, int value) {
    byte[] data = new byte[length];
    Arrays.fill(data, (byte) value);
    return data;
  }

  @Test
  void unknownClientFlagsCloseTheConnectionWithALogLineNamingPeerAndValue() throws Exception {
    try (RawClient client = RawClient.connect(server)) {
      Wire.readGreeting(client.in);
      client.send(Wire.client(0x7));
      assertThat(client.closedByServer()).isTrue();
      awaitLogLine(client.peer(), "protocol violation", "unknown client flags 0x00000007");
    }
  }

  @Test
  void aBadOptionMagicClosesTheConnectionNamingIt() throws Exception {
    try (RawClient client = RawClient.connect(server)) {
      Wire.readGreeting(client.in);
      client.send(Wire.fixedNewstyle().int64(0x0102030405060708L).int32(7).int32(0));
      assertThat(client.closedByServer()).isTrue();
      awaitLogLine(client.peer(), "option magic 0x0102030405060708 is not IHAVEOPT");
    }
  }

  @Test
  void aClientSilentInTheHandshakeIsClosedAtTheDeadline() throws Exception {
    try (RawClient client = RawClient.connect(server)) {
      Wire.readGreeting(client.in);
      assertThat(client.closedByServer()).isTrue();
      awaitLogLine(client.peer(), "handshake not finished within PT0.5S");
    }
  }

  @Test
  void aClientStallingHalfWayThroughAWriteIsClosedAndWritesNothing() throws Exception {
    try (RawClient client = RawClient.connect(server).go("vm-a@1")) {
      client.send(
          new Wire().request(0, Protocol.CMD_WRITE, 1, 0, 32 << 10).raw(filled(1024, 0x77)));
      assertThat(client.closedByServer()).isTrue();
      awaitLogLine(client.peer(), "request not received whole within PT0.5S");
    }
    assertThat(Files.readAllBytes(diskA)).containsOnly(0);
  }

  @Test
  void aClientVanishingMidWriteLeavesItsExportUntouchedAndOtherExportsServing() throws Exception {
    try (RawClient other = RawClient.connect(server).go("vm-b@1")) {
      try (RawClient vanishing = RawClient.connect(server).go("vm-a@1")) {
        vanishing.send(
            new Wire().request(0, Protocol.CMD_WRITE, 1, 0, 32 << 10).raw(filled(4096, 0x66)));
        String peer = vanishing.peer();
        vanishing.socket.close(); // gone, as if its process died
        awaitLogLine(peer, "ended in the middle of a message");
      }
      assertThat(
              other.request(
                  new Wire().request(0, Protocol.CMD_WRITE, 7, 0, 4096).raw(filled(4096, 0x42))))
          .isEqualTo(new Wire.SimpleReply(0, 7));
    }
    assertThat(Files.readAllBytes(diskA)).containsOnly(0);
    assertThat(Arrays.copyOf(Files.readAllBytes(diskB), 4096)).containsOnly(0x42);
    // The export of the vanished client serves the next one.
    try (RawClient next = RawClient.connect(server).go("vm-a@1")) {
      assertThat(next.request(new Wire().request(0, Protocol.CMD_READ, 1, 0, 512)).error())
          .isZero();
    }
  }

  @Test
  void outOfRangeAndOversizedRequestsAreRefusedAndNothingIsWritten() throws Exception {
    try (RawClient client = RawClient.connect(server).go("vm-a@1")) {
      assertThat(
              client.request(
                  new Wire()
                      .request(0, Protocol.CMD_WRITE, 1, SIZE - 1024, 4096)
                      .raw(filled(4096, 0x99))))
          .isEqualTo(new Wire.SimpleReply(Protocol.ENOSPC, 1));
      assertThat(client.request(new Wire().request(0, Protocol.CMD_READ, 2, SIZE, 1)))
          .isEqualTo(new Wire.SimpleReply(Protocol.EINVAL, 2));
      assertThat(client.request(new Wire().request(0, Protocol.CMD_READ, 3, 0, MAX_REQUEST + 1)))
          .isEqualTo(new Wire.SimpleReply(Protocol.EINVAL, 3));
      // Still serving after all three.
      assertThat(client.request(new Wire().request(0, Protocol.CMD_FLUSH, 4, 0, 0)).error())
          .isZero();
      // An oversized write is refused, then closed: its payload is never read.
      assertThat(client.request(new Wire().request(0, Protocol.CMD_WRITE, 5, 0, MAX_REQUEST + 1)))
          .isEqualTo(new Wire.SimpleReply(Protocol.EINVAL, 5));
      assertThat(client.closedByServer()).isTrue();
      awaitLogLine(client.peer(), "exceeds the largest request, 65536 bytes");
    }
    assertThat(Files.readAllBytes(diskA)).hasSize(SIZE).containsOnly(0);
  }

  @Test
  void connectionsBeyondTheMaximumAreClosedWithALogLine() throws Exception {
    RawClient[] held = new RawClient[4];
    try {
      for (int i = 0; i < held.length; i++) {
        held[i] = RawClient.connect(server).go("vm-b@1");
      }
      try (RawClient extra = RawClient.connect(server)) {
        assertThat(extra.closedByServer()).isTrue();
        awaitLogLine("refusing " + extra.peer(), "4 connections open, the maximum");
      }
    } finally {
      for (RawClient client : held) {
        if (client != null) {
          client.close();
        }
      }
    }
  }
}
