package dev.quorate.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import org.junit.jupiter.api.Test;

class TopologyTest {
  private final Topology topology =
      Topology.builder().member(3, 2, "hv-b").member(1, 1, "hv-a").member(2, 1, "hv-a").build();

  @Test
  void keepsMembersInIdOrderWithTheirVotesAndHosts() {
    assertThat(topology.ids()).containsExactly(MemberId.of(1), MemberId.of(2), MemberId.of(3));
    assertThat(topology.totalVotes()).isEqualTo(4);
    assertThat(topology.member(MemberId.of(3))).contains(new Member(MemberId.of(3), 2, "hv-b"));
    assertThat(topology.member(MemberId.of(9))).isEmpty();
  }

  @Test
  void tellsWhatLosingAHostCosts() {
    assertThat(topology.hosts()).containsExactly("hv-a", "hv-b");
    assertThat(topology.membersOn("hv-a")).containsExactly(MemberId.of(1), MemberId.of(2));
    assertThat(topology.votesOn("hv-a")).isEqualTo(2);
    assertThat(topology.votesOn("hv-b")).isEqualTo(2);
    assertThat(topology.votesOn("nowhere")).isZero();
  }

  @Test
  void refusesDuplicateIds() {
    assertThatThrownBy(() -> Topology.builder().member(1, 1, "a").member(1, 1, "b").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContainingAll("topology.member.id", "1", "twice");
  }

  @Test
  void refusesVotesOutOfRange() {
    assertThatThrownBy(() -> Topology.builder().member(4, 0, "a").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContainingAll("topology.member[4].votes", "0", "1..1000");
  }

  @Test
  void refusesBadIdsHostsAndEmptyTopologies() {
    assertThatThrownBy(() -> Topology.builder().member(0, 1, "a").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("ids are integers from 1");
    assertThatThrownBy(() -> Topology.builder().member(2, 1, " ").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("topology.member[2].host");
    assertThatThrownBy(() -> Topology.builder().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("at least one member");
  }

  @Test
  void memberIdsArePositive() {
    assertThatThrownBy(() -> MemberId.of(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(MemberId.of(2)).isGreaterThan(MemberId.of(1));
  }
}
