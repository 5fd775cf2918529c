package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Misuse of the membership and arbiter builders fails before any connection, naming the value. */
@Timeout(30)
class ZkMembershipBuilderTest {
  private static final Topology TOPOLOGY =
      Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-2").member(3, 1, "hv-3").build();

  @Test
  void membershipNeedsExactlyOneSourceAndTheTopologysMember() {
    try (QuorumService quorum =
        QuorumService.builder(QuorumPolicy.builder(TOPOLOGY).build(), MemberId.of(1)).build()) {
      assertThatThrownBy(
              () ->
                  ZkMembership.builder()
                      .localMember(new Member(MemberId.of(1), 1, "hv-1"))
                      .quorumService(quorum)
                      .build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("neither");
      assertThatThrownBy(
              () ->
                  ZkMembership.builder()
                      .connectString("127.0.0.1:1")
                      .localMember(new Member(MemberId.of(1), 1, "hv-9"))
                      .quorumService(quorum)
                      .build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("hv-9")
          .hasMessageContaining("hv-1");
      assertThatThrownBy(() -> ZkMembership.builder().connectString("127.0.0.1:1").build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("localMember");
    }
  }

  @Test
  void pathsAndTimeoutsAreChecked() {
    assertThatThrownBy(() -> ZkMembership.builder().rootPath("members/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'members/'");
    assertThatThrownBy(() -> ZkArbiter.builder().rootPath("/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/'");
    assertThatThrownBy(() -> ZkMembership.builder().sessionTimeout(Duration.ZERO))
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> ZkArbiter.builder().votes(0)).hasMessageContaining("got 0");
  }

  @Test
  void blankConnectStringsAndProgramsAreRefusedWhenGiven() {
    assertThatThrownBy(() -> ZkMembership.builder().connectString(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectString")
        .hasMessageContaining("' '");
    assertThatThrownBy(() -> ZkArbiter.builder().connectString(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectString")
        .hasMessageContaining("''");
    assertThatThrownBy(() -> ArbiterHeuristic.command(List.of(" ", "-c1"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("program")
        .hasMessageContaining("[ , -c1]");
  }

  @Test
  void arbiterNeedsALocalMemberAndOneSource() {
    assertThatThrownBy(() -> ZkArbiter.builder().connectString("127.0.0.1:1").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("localMember");
    assertThatThrownBy(() -> ZkArbiter.builder().localMember(MemberId.of(1)).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("neither");
  }

  @Test
  void commandHeuristicPassesOnExitZeroAndFailsOnTimeout() throws Exception {
    assertThat(ArbiterHeuristic.command(List.of("true"), Duration.ofSeconds(5)).passes()).isTrue();
    assertThat(ArbiterHeuristic.command(List.of("false"), Duration.ofSeconds(5)).passes())
        .isFalse();
    assertThat(ArbiterHeuristic.command(List.of("sleep", "10"), Duration.ofMillis(200)).passes())
        .isFalse();
    assertThatThrownBy(() -> ArbiterHeuristic.command(List.of(), Duration.ofSeconds(1)))
        .hasMessageContaining("must start with a program");
  }
}
