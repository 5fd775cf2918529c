package dev.quorate.nbd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.TokenGuard;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The handshake against byte streams: every option, and malformed input. */
@Timeout(30)
class HandshakeTest {
  private static final int MAX_REQUEST = 1 << 20;

  @TempDir Path dir;
  private final Map<String, Export> exports = new LinkedHashMap<>();
  private TokenGuard guard;
  private ByteArrayOutputStream sent;
  private Optional<ExportHandle> result;

  @BeforeEach
  void setUp() throws IOException {
    guard = TokenGuard.inMemory();
    Path image = Files.write(dir.resolve("vm-a.img"), new byte[8192]);
    exports.put("vm-a", Export.open(new ServerConfig.ExportSpec("vm-a", image, guard)));
    Path other = Files.write(dir.resolve("vm-b.img"), new byte[4096]);
    exports.put(
        "vm-b", Export.open(new ServerConfig.ExportSpec("vm-b", other, TokenGuard.inMemory())));
  }

  @AfterEach
  void tearDown() throws IOException {
    for (Export export : exports.values()) {
      export.close();
    }
  }

  /** Runs the handshake on {@code client} and returns the server's bytes after its greeting. */
  private DataInputStream handshake(Wire client) throws Exception {
    sent = new ByteArrayOutputStream();
    result =
        new Handshake(exports, MAX_REQUEST, "/192.0.2.1:4000")
            .run(
                new DataInputStream(new ByteArrayInputStream(client.bytes())),
                new DataOutputStream(sent));
    DataInputStream replies = new DataInputStream(new ByteArrayInputStream(sent.toByteArray()));
    Wire.readGreeting(replies);
    return replies;
  }

  @Test
  void greetingOffersFixedNewstyleWithoutZeroes() throws Exception {
    handshake(Wire.fixedNewstyle().option(Protocol.OPT_ABORT, new byte[0]));
    ByteBuffer greeting = ByteBuffer.wrap(sent.toByteArray());
    assertThat(greeting.getLong()).isEqualTo(0x4e42444d41474943L); // NBDMAGIC
    assertThat(greeting.getLong()).isEqualTo(0x49484156454F5054L); // IHAVEOPT
    assertThat(greeting.getShort()).isEqualTo((short) 3);
  }

  @Test
  void goOpensTheExportWithTheTokenAndDescribesIt() throws Exception {
    DataInputStream replies =
        handshake(Wire.fixedNewstyle().go("vm-a@5.0", Protocol.INFO_BLOCK_SIZE));

    Wire.OptionReply export = Wire.readOptionReply(replies);
    assertThat(export.type()).isEqualTo(Protocol.REP_INFO);
    ByteBuffer info = ByteBuffer.wrap(export.data());
    assertThat(info.getShort()).isEqualTo(Protocol.INFO_EXPORT);
    assertThat(info.getLong()).isEqualTo(8192);
    assertThat(info.getShort()).isEqualTo(Protocol.TRANSMISSION_FLAGS);
    Wire.OptionReply sizes = Wire.readOptionReply(replies);
    ByteBuffer block = ByteBuffer.wrap(sizes.data());
    assertThat(block.getShort()).isEqualTo(Protocol.INFO_BLOCK_SIZE);
    assertThat(new int[] {block.getInt(), block.getInt(), block.getInt()})
        .containsExactly(1, 4096, MAX_REQUEST);
    assertThat(Wire.readOptionReply(replies).type()).isEqualTo(Protocol.REP_ACK);
    assertThat(result).get().extracting(ExportHandle::token).isEqualTo(FencingToken.of(5));
    assertThat(guard.highest()).contains(FencingToken.of(5));
  }

  @Test
  void goAsStandbyRegistersWithoutAdmittingTheToken() throws Exception {
    guard.admit(FencingToken.of(5));
    handshake(Wire.fixedNewstyle().go("vm-a@7+standby"));
    assertThat(result).get().extracting(ExportHandle::standby).isEqualTo(true);
    assertThat(guard.highest()).contains(FencingToken.of(5));
  }

  @Test
  void aBareMajorIsTheTokenMajorDotZero() throws Exception {
    handshake(Wire.fixedNewstyle().go("vm-a@7"));
    assertThat(result).get().extracting(ExportHandle::token).isEqualTo(FencingToken.of(7));
  }

  @Test
  void goWithoutTokenIsRefusedByPolicyAndTheClientMayTryAgain() throws Exception {
    DataInputStream replies = handshake(Wire.fixedNewstyle().go("vm-a").go("vm-a@1.0"));
    Wire.OptionReply refusal = Wire.readOptionReply(replies);
    assertThat(refusal.type()).isEqualTo(Protocol.REP_ERR_POLICY);
    assertThat(refusal.text()).contains("'vm-a' carries no fencing token");
    assertThat(result).isPresent();
  }

  @Test
  void goWithAnOlderTokenIsRefusedAndNamesBothTokens() throws Exception {
    guard.admit(FencingToken.of(7));
    DataInputStream replies =
        handshake(Wire.fixedNewstyle().go("vm-a@3").option(Protocol.OPT_ABORT, new byte[0]));
    Wire.OptionReply refusal = Wire.readOptionReply(replies);
    assertThat(refusal.type()).isEqualTo(Protocol.REP_ERR_POLICY);
    assertThat(refusal.text()).contains("3.0 is older than 7.0");
    assertThat(Wire.readOptionReply(replies).type()).isEqualTo(Protocol.REP_ACK);
    assertThat(result).isEmpty();
  }

  @Test
  void goForAnUnknownExportNamesTheExports() throws Exception {
    DataInputStream replies = handshake(Wire.fixedNewstyle().go("vm-x@1").go("vm-b@1"));
    Wire.OptionReply refusal = Wire.readOptionReply(replies);
    assertThat(refusal.type()).isEqualTo(Protocol.REP_ERR_UNKNOWN);
    assertThat(refusal.text()).contains("no export 'vm-x'").contains("[vm-a, vm-b]");
    assertThat(result).get().extracting(h -> h.export().name()).isEqualTo("vm-b");
  }

  @Test
  void infoDescribesButDoesNotAdmitTheToken() throws Exception {
    DataInputStream replies =
        handshake(
            Wire.fixedNewstyle()
                .option(Protocol.OPT_INFO, Wire.goData("vm-a@9"))
                .option(Protocol.OPT_ABORT, new byte[0]));
    assertThat(Wire.readOptionReply(replies).type()).isEqualTo(Protocol.REP_INFO);
    assertThat(Wire.readOptionReply(replies).type()).isEqualTo(Protocol.REP_ACK);
    assertThat(guard.highest()).isEmpty();
    assertThat(result).isEmpty();
  }

  @Test
  void infoDescribesAnExportNamedWithoutToken() throws Exception {
    DataInputStream replies =
        handshake(
            Wire.fixedNewstyle()
                .option(Protocol.OPT_INFO, Wire.goData("vm-b"))
                .option(Protocol.OPT_ABORT, new byte[0]));
    Wire.OptionReply info = Wire.readOptionReply(replies);
    assertThat(info.type()).isEqualTo(Protocol.REP_INFO);
    assertThat(ByteBuffer.wrap(info.data()).getLong(2)).isEqualTo(4096);
    assertThat(Wire.readOptionReply(replies).type()).isEqualTo(Protocol.REP_ACK);
  }

  @Test
  void infoWithAnOlderTokenSaysTheOpenWouldBeRefused() throws Exception {
    guard.admit(FencingToken.of(7));
    DataInputStream replies =
        handshake(
            Wire.fixedNewstyle()
                .option(Protocol.OPT_INFO, Wire.goData("vm-a@6"))
                .option(Protocol.OPT_ABORT, new byte[0]));
    Wire.OptionReply refusal = Wire.readOptionReply(replies);
    assertThat(refusal.type()).isEqualTo(Protocol.REP_ERR_POLICY);
    assertThat(refusal.text()).contains("6.0 is older than 7.0");
  }

  @Test
  void unsupportedOptionsAreAnsweredUnsupAndHaggleGoesOn() throws Exception {
    int structuredReply = 8;
    DataInputStream replies =
        handshake(Wire.fixedNewstyle().option(structuredReply, new byte[0]).go("vm-a@1"));
    Wire.OptionReply unsup = Wire.readOptionReply(replies);
    assertThat(unsup.option()).isEqualTo(structuredReply);
    assertThat(unsup.type()).isEqualTo(Protocol.REP_ERR_UNSUP);
    assertThat(result).isPresent();
  }

  @Test
  void listNamesEveryExportThenAcks() throws Exception {
    DataInputStream replies =
        handshake(
            Wire.fixedNewstyle()
                .option(Protocol.OPT_LIST, new byte[0])
                .option(Protocol.OPT_ABORT, new byte[0]));
    for (String name : new String[] {"vm-a", "vm-b"}) {
      Wire.OptionReply server = Wire.readOptionReply(replies);
      assertThat(server.type()).isEqualTo(Protocol.REP_SERVER);
      assertThat(new String(server.data(), 4, server.data().length - 4, StandardCharsets.UTF_8))
          .isEqualTo(name);
    }
    assertThat(Wire.readOptionReply(replies).type()).isEqualTo(Protocol.REP_ACK);
  }

  @Test
  void exportNameEntersTransmissionWithSizeAndFlags() throws Exception {
    DataInputStream replies =
        handshake(
            Wire.fixedNewstyle()
                .option(Protocol.OPT_EXPORT_NAME, "vm-a@2.1".getBytes(StandardCharsets.UTF_8)));
    assertThat(replies.readLong()).isEqualTo(8192);
    assertThat(replies.readShort()).isEqualTo(Protocol.TRANSMISSION_FLAGS);
    assertThat(replies.available()).isZero(); // NO_ZEROES negotiated
    assertThat(result).get().extracting(ExportHandle::token).isEqualTo(new FencingToken(2, 1));
  }

  @Test
  void exportNameWithoutNoZeroesPadsWith124Zeroes() throws Exception {
    DataInputStream replies =
        handshake(
            Wire.client(Protocol.CLIENT_FLAG_FIXED_NEWSTYLE)
                .option(Protocol.OPT_EXPORT_NAME, "vm-a@2".getBytes(StandardCharsets.UTF_8)));
    replies.readLong();
    replies.readShort();
    assertThat(replies.readAllBytes()).hasSize(124).containsOnly(0);
  }

  @Test
  void exportNameWithAStaleTokenEndsTheSessionWithoutReply() throws Exception {
    guard.admit(FencingToken.of(7));
    DataInputStream replies =
        handshake(
            Wire.fixedNewstyle()
                .option(Protocol.OPT_EXPORT_NAME, "vm-a@5".getBytes(StandardCharsets.UTF_8)));
    assertThat(replies.available()).isZero();
    assertThat(result).isEmpty();
  }

  @Test
  void unknownClientFlagsCloseNamingTheValue() {
    assertThatThrownBy(() -> handshake(Wire.client(0x7)))
        .isInstanceOf(ProtocolViolation.class)
        .hasMessageContaining("unknown client flags 0x00000007");
  }

  @Test
  void clientsWithoutFixedNewstyleAreClosed() {
    assertThatThrownBy(() -> handshake(Wire.client(0)))
        .isInstanceOf(ProtocolViolation.class)
        .hasMessageContaining("lack FIXED_NEWSTYLE");
  }

  @Test
  void badOptionMagicClosesNamingTheValue() {
    assertThatThrownBy(
            () -> handshake(Wire.fixedNewstyle().int64(0x1122334455667788L).int32(7).int32(0)))
        .isInstanceOf(ProtocolViolation.class)
        .hasMessageContaining("option magic 0x1122334455667788 is not IHAVEOPT");
  }

  @Test
  void oversizedOptionDataClosesWithoutReadingIt() {
    assertThatThrownBy(
            () -> handshake(Wire.fixedNewstyle().int64(Protocol.IHAVEOPT).int32(7).int32(-1)))
        .isInstanceOf(ProtocolViolation.class)
        .hasMessageContaining("option 7 has 4294967295 bytes of data, at most 8192");
  }

  @Test
  void goWithANameLongerThanItsDataIsInvalid() throws Exception {
    byte[] data = new Wire().int32(100).raw("vm-a@1".getBytes(StandardCharsets.UTF_8)).bytes();
    DataInputStream replies =
        handshake(
            Wire.fixedNewstyle()
                .option(Protocol.OPT_GO, data)
                .option(Protocol.OPT_ABORT, new byte[0]));
    Wire.OptionReply invalid = Wire.readOptionReply(replies);
    assertThat(invalid.type()).isEqualTo(Protocol.REP_ERR_INVALID);
    assertThat(invalid.text()).contains("name length 100 exceeds");
  }

  @Test
  void goWithInfoRequestsThatDoNotFitIsInvalid() throws Exception {
    byte[] data =
        new Wire().int32(6).raw("vm-a@1".getBytes(StandardCharsets.UTF_8)).int16(3).bytes();
    DataInputStream replies =
        handshake(
            Wire.fixedNewstyle()
                .option(Protocol.OPT_GO, data)
                .option(Protocol.OPT_ABORT, new byte[0]));
    assertThat(Wire.readOptionReply(replies).text())
        .contains("announces 3 info requests but carries 0 bytes");
    assertThat(guard.highest()).isEmpty();
  }

  @Test
  void listWithDataIsInvalid() throws Exception {
    DataInputStream replies =
        handshake(
            Wire.fixedNewstyle()
                .option(Protocol.OPT_LIST, new byte[] {1})
                .option(Protocol.OPT_ABORT, new byte[0]));
    assertThat(Wire.readOptionReply(replies).type()).isEqualTo(Protocol.REP_ERR_INVALID);
  }

  @Test
  void aTruncatedOptionIsAnEndOfStream() {
    assertThatThrownBy(
            () ->
                handshake(
                    Wire.fixedNewstyle()
                        .int64(Protocol.IHAVEOPT)
                        .int32(Protocol.OPT_GO)
                        .int32(40)
                        .raw(new byte[10])))
        .isInstanceOf(EOFException.class);
    assertThat(guard.highest()).isEmpty();
  }

  @Test
  void endlessOptionsAreCutOff() {
    Wire client = Wire.fixedNewstyle();
    for (int i = 0; i <= Handshake.MAX_OPTIONS; i++) {
      client.option(99, new byte[0]);
    }
    assertThatThrownBy(() -> handshake(client))
        .isInstanceOf(ProtocolViolation.class)
        .hasMessageContaining("more than 64 options");
  }
}
