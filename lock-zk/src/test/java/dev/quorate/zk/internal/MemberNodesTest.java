package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.zk.ArbiterReport;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The data of member nodes, arbiter reports and the vote token survive a round trip. */
@Timeout(30)
class MemberNodesTest {
  private static final Member ONE = new Member(MemberId.of(1), 2, "hv-1");

  @Test
  void memberRecordRoundTripsAndReadsForOperators() {
    MemberRecord record = new MemberRecord(ONE, 3, true);
    byte[] data = record.encode();
    assertThat(new String(data, StandardCharsets.UTF_8))
        .isEqualTo("id=1\nvotes=2\nhost=hv-1\nincarnation=3\nquorate=true\n");
    assertThat(MemberRecord.decode("/m/member-1", data)).isEqualTo(record);
  }

  @Test
  void foreignDataIsRefusedNamingThePathAndTheMissingKey() {
    assertThatThrownBy(
            () -> MemberRecord.decode("/m/x", "id=1\nvotes=1\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/m/x")
        .hasMessageContaining("'host'");
    assertThatThrownBy(
            () -> MemberRecord.decode("/m/y", "garbage".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("'garbage'");
    assertThatThrownBy(() -> MemberRecord.decode("/m/z", null)).hasMessageContaining("no data");
    assertThatThrownBy(() -> new MemberRecord(ONE, 0, false))
        .hasMessageContaining("incarnation of member 1")
        .hasMessageContaining("got 0");
  }

  @Test
  void reportAndTokenRoundTrip() {
    TreeSet<MemberId> partition = new TreeSet<>(Set.of(MemberId.of(1), MemberId.of(3)));
    ArbiterReport report = new ArbiterReport(MemberId.of(3), partition, 2, 1, true);
    ArbiterNodes.Stored stored = new ArbiterNodes.Stored(report, true);
    assertThat(ArbiterNodes.decodeReport("/a/r", ArbiterNodes.encode(stored))).isEqualTo(stored);
    assertThat(report.score()).isEqualTo(2);

    ArbiterNodes.Token token = new ArbiterNodes.Token(partition, MemberId.of(1));
    ArbiterNodes.Token back = ArbiterNodes.decodeToken("/a/vote", ArbiterNodes.encode(token));
    assertThat(back.partition()).isEqualTo(partition);
    assertThat(back.owner()).isEqualTo(MemberId.of(1));
  }

  @Test
  void malformedNumbersAreRefusedNamingTheNode() {
    byte[] data =
        "member=x\npartition=1\npassed=0\nfailed=0\npreviouslyQuorate=false\ncasting=false\n"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ArbiterNodes.decodeReport("/a/reports/r", data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/a/reports/r");
  }
}
