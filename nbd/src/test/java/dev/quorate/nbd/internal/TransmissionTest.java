package dev.quorate.nbd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import dev.quorate.nbd.ExportName;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The request loop against byte streams: bounds, errors, and fencing of every access. */
@Timeout(30)
class TransmissionTest {
  private static final int SIZE = 64 << 10;
  private static final int MAX_REQUEST = 16 << 10;

  @TempDir Path dir;
  private Path image;
  private Export export;
  private ExportHandle handle;
  private int armed;
  private int disarmed;

  @BeforeEach
  void setUp() throws Exception {
    image = Files.write(dir.resolve("disk.img"), new byte[SIZE]);
    export = Export.open(new ServerConfig.ExportSpec("disk", image, TokenGuard.inMemory()));
    handle = export.open(ExportName.of("disk", FencingToken.of(5)), "/192.0.2.1:4000");
  }

  @AfterEach
  void tearDown() throws Exception {
    export.close();
  }

  private DataInputStream serve(ExportHandle client, Wire requests) throws Exception {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    Transmission.RequestDeadline deadline =
        new Transmission.RequestDeadline() {
          @Override
          public void arm() {
            armed++;
          }

          @Override
          public void disarm() {
            disarmed++;
          }
        };
    new Transmission(client, MAX_REQUEST, deadline)
        .run(
            new DataInputStream(new ByteArrayInputStream(requests.bytes())),
            new DataOutputStream(sent));
    return new DataInputStream(new ByteArrayInputStream(sent.toByteArray()));
  }

  private static byte[] filled(int length, int value) {
    byte[] data = new byte[length];
    Arrays.fill(data, (byte) value);
    return data;
  }

  @Test
  void writeThenReadReturnsTheData() throws Exception {
    DataInputStream replies =
        serve(
            handle,
            new Wire()
                .request(Protocol.CMD_FLAG_FUA, Protocol.CMD_WRITE, 1, 4096, 4096)
                .raw(filled(4096, 0xab))
                .request(0, Protocol.CMD_READ, 2, 4096, 4096)
                .request(0, Protocol.CMD_FLUSH, 3, 0, 0)
                .request(0, Protocol.CMD_TRIM, 4, 0, SIZE)
                .request(0, Protocol.CMD_DISC, 5, 0, 0));
    assertThat(Wire.readSimpleReply(replies)).isEqualTo(new Wire.SimpleReply(0, 1));
    assertThat(Wire.readSimpleReply(replies)).isEqualTo(new Wire.SimpleReply(0, 2));
    byte[] data = new byte[4096];
    replies.readFully(data);
    assertThat(data).containsOnly((byte) 0xab);
    assertThat(Wire.readSimpleReply(replies)).isEqualTo(new Wire.SimpleReply(0, 3));
    assertThat(Wire.readSimpleReply(replies)).isEqualTo(new Wire.SimpleReply(0, 4));
    assertThat(replies.available()).isZero(); // no reply to DISC
    assertThat(Arrays.copyOfRange(Files.readAllBytes(image), 4096, 8192)).containsOnly(0xab);
    assertThat(armed).isEqualTo(5).isEqualTo(disarmed);
  }

  @Test
  void aWritePastTheEndIsRefusedWithEnospcAndNothingIsWritten() throws Exception {
    DataInputStream replies =
        serve(
            handle,
            new Wire()
                .request(0, Protocol.CMD_WRITE, 1, SIZE - 512, 1024)
                .raw(filled(1024, 0xcd))
                .request(0, Protocol.CMD_WRITE, 2, -1L, 512)
                .raw(filled(512, 0xcd))
                .request(0, Protocol.CMD_READ, 3, 0, 512));
    assertThat(Wire.readSimpleReply(replies).error()).isEqualTo(Protocol.ENOSPC);
    assertThat(Wire.readSimpleReply(replies).error()).isEqualTo(Protocol.ENOSPC);
    assertThat(Wire.readSimpleReply(replies).error()).isZero(); // the connection goes on
    assertThat(Files.readAllBytes(image)).hasSize(SIZE).containsOnly(0);
  }

  @Test
  void readsAndTrimsOutOfRangeAreInvalidWithoutPayload() throws Exception {
    DataInputStream replies =
        serve(
            handle,
            new Wire()
                .request(0, Protocol.CMD_READ, 1, SIZE, 1)
                .request(0, Protocol.CMD_TRIM, 2, 512, SIZE)
                .request(0, Protocol.CMD_READ, 3, 0, 16));
    assertThat(Wire.readSimpleReply(replies)).isEqualTo(new Wire.SimpleReply(Protocol.EINVAL, 1));
    assertThat(Wire.readSimpleReply(replies)).isEqualTo(new Wire.SimpleReply(Protocol.EINVAL, 2));
    assertThat(Wire.readSimpleReply(replies)).isEqualTo(new Wire.SimpleReply(0, 3));
    assertThat(replies.readAllBytes()).hasSize(16);
  }

  @Test
  void anOversizedReadIsInvalidAndTheConnectionGoesOn() throws Exception {
    DataInputStream replies =
        serve(
            handle,
            new Wire()
                .request(0, Protocol.CMD_READ, 1, 0, MAX_REQUEST + 1)
                .request(0, Protocol.CMD_READ, 2, 0, MAX_REQUEST));
    assertThat(Wire.readSimpleReply(replies)).isEqualTo(new Wire.SimpleReply(Protocol.EINVAL, 1));
    assertThat(Wire.readSimpleReply(replies)).isEqualTo(new Wire.SimpleReply(0, 2));
  }

  @Test
  void anOversizedWriteIsInvalidAndClosesTheConnection() {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    Wire requests =
        new Wire().request(0, Protocol.CMD_WRITE, 9, 0, MAX_REQUEST + 1).raw(filled(100, 1));
    assertThatThrownBy(
            () ->
                new Transmission(handle, MAX_REQUEST, noDeadline())
                    .run(
                        new DataInputStream(new ByteArrayInputStream(requests.bytes())),
                        new DataOutputStream(sent)))
        .isInstanceOf(ProtocolViolation.class)
        .hasMessageContaining("length=16385")
        .hasMessageContaining("exceeds the largest request, 16384 bytes");
    assertThat(sent.toByteArray()).hasSize(16); // the EINVAL reply
  }

  @Test
  void unknownCommandsAndFlagsAreInvalid() throws Exception {
    DataInputStream replies =
        serve(
            handle,
            new Wire()
                .request(0, 6, 1, 0, 512) // WRITE_ZEROES, not offered
                .request(1 << 2, Protocol.CMD_READ, 2, 0, 512) // DF, not offered
                .request(1 << 1, Protocol.CMD_WRITE, 3, 0, 8)
                .raw(filled(8, 0xee)));
    assertThat(Wire.readSimpleReply(replies).error()).isEqualTo(Protocol.EINVAL);
    assertThat(Wire.readSimpleReply(replies).error()).isEqualTo(Protocol.EINVAL);
    assertThat(Wire.readSimpleReply(replies).error()).isEqualTo(Protocol.EINVAL);
    assertThat(Files.readAllBytes(image)).containsOnly(0);
  }

  @Test
  void aBadRequestMagicClosesNamingTheValue() {
    Wire requests = new Wire().int32(0xdeadbeef).raw(new byte[24]);
    assertThatThrownBy(() -> serve(handle, requests))
        .isInstanceOf(ProtocolViolation.class)
        .hasMessageContaining("request magic 0xdeadbeef is not 0x25609513");
  }

  @Test
  void aWriteCutOffHalfWayWritesNothing() {
    Wire requests = new Wire().request(0, Protocol.CMD_WRITE, 1, 0, 8192).raw(filled(4096, 0x11));
    assertThatThrownBy(() -> serve(handle, requests)).isInstanceOf(EOFException.class);
    assertThat(armed).isEqualTo(1);
    assertThat(disarmed).isZero();
    assertThat(export.size()).isEqualTo(SIZE);
    assertThat(readImage()).containsOnly(0);
  }

  @Test
  void aNewerTokenRevokesTheOlderConnectionsEveryRequest() throws Exception {
    ExportHandle newer = export.open(ExportName.of("disk", FencingToken.of(7)), "/192.0.2.2:4000");
    DataInputStream stale =
        serve(
            handle,
            new Wire()
                .request(0, Protocol.CMD_WRITE, 1, 0, 512)
                .raw(filled(512, 0xaa))
                .request(0, Protocol.CMD_READ, 2, 0, 512)
                .request(0, Protocol.CMD_FLUSH, 3, 0, 0)
                .request(0, Protocol.CMD_TRIM, 4, 0, 512));
    for (int cookie = 1; cookie <= 4; cookie++) {
      assertThat(Wire.readSimpleReply(stale))
          .isEqualTo(new Wire.SimpleReply(Protocol.EPERM, cookie));
    }
    assertThat(stale.available()).isZero(); // the failed read sends no data
    DataInputStream current =
        serve(newer, new Wire().request(0, Protocol.CMD_WRITE, 1, 0, 512).raw(filled(512, 0xbb)));
    assertThat(Wire.readSimpleReply(current).error()).isZero();
    assertThat(Arrays.copyOf(readImage(), 512)).containsOnly(0xbb);
  }

  @Test
  void aStandbyOpenReadsWithoutPreemptingAndTakesOverAtItsFirstWrite() throws Exception {
    ExportHandle standby =
        export.open(ExportName.standby("disk", FencingToken.of(7)), "/192.0.2.2:4000");
    DataInputStream reads =
        serve(
            standby,
            new Wire()
                .request(0, Protocol.CMD_READ, 1, 0, 512)
                .request(0, Protocol.CMD_FLUSH, 2, 0, 0));
    assertThat(Wire.readSimpleReply(reads).error()).isZero();
    reads.readFully(new byte[512]);
    assertThat(Wire.readSimpleReply(reads).error()).isZero();
    // The source still writes: the standby has not preempted it.
    DataInputStream source =
        serve(handle, new Wire().request(0, Protocol.CMD_WRITE, 1, 0, 512).raw(filled(512, 0xaa)));
    assertThat(Wire.readSimpleReply(source).error()).isZero();

    DataInputStream takeOver =
        serve(
            standby, new Wire().request(0, Protocol.CMD_WRITE, 3, 512, 512).raw(filled(512, 0xbb)));
    assertThat(Wire.readSimpleReply(takeOver).error()).isZero();
    assertThat(standby.standby()).isFalse();
    DataInputStream stale =
        serve(handle, new Wire().request(0, Protocol.CMD_WRITE, 2, 0, 512).raw(filled(512, 0xa1)));
    assertThat(Wire.readSimpleReply(stale).error()).isEqualTo(Protocol.EPERM);
    byte[] bytes = readImage();
    assertThat(Arrays.copyOf(bytes, 512)).containsOnly(0xaa);
    assertThat(Arrays.copyOfRange(bytes, 512, 1024)).containsOnly(0xbb);
  }

  @Test
  void aStandbyWithAnOlderTokenIsRefusedAndAStandbyOvertakenFailsItsRequests() throws Exception {
    assertThatThrownBy(() -> export.open(ExportName.standby("disk", FencingToken.of(4)), "late"))
        .isInstanceOf(StaleTokenException.class);
    ExportHandle standby = export.open(ExportName.standby("disk", FencingToken.of(6)), "dest");
    export.open(ExportName.of("disk", FencingToken.of(9)), "failover");
    DataInputStream replies =
        serve(
            standby,
            new Wire()
                .request(0, Protocol.CMD_READ, 1, 0, 512)
                .request(0, Protocol.CMD_WRITE, 2, 0, 8)
                .raw(filled(8, 0x66)));
    assertThat(Wire.readSimpleReply(replies).error()).isEqualTo(Protocol.EPERM);
    assertThat(Wire.readSimpleReply(replies).error()).isEqualTo(Protocol.EPERM);
    assertThat(readImage()).containsOnly(0);
  }

  @Test
  void theSameTokenMayOpenTwice() throws Exception {
    ExportHandle again = export.open(ExportName.of("disk", FencingToken.of(5)), "/192.0.2.1:4001");
    DataInputStream replies =
        serve(handle, new Wire().request(0, Protocol.CMD_WRITE, 1, 0, 8).raw(filled(8, 1)));
    assertThat(Wire.readSimpleReply(replies).error()).isZero();
    again.close();
  }

  private byte[] readImage() {
    try {
      return Files.readAllBytes(image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Transmission.RequestDeadline noDeadline() {
    return new Transmission.RequestDeadline() {
      @Override
      public void arm() {}

      @Override
      public void disarm() {}
    };
  }
}
