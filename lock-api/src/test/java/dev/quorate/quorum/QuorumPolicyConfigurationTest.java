package dev.quorate.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Combinations votequorum refuses or disables are refused at build time, with a clear message. */
class QuorumPolicyConfigurationTest {
  private static final Topology TWO = Clusters.ofSize(2);
  private static final Topology FOUR = Clusters.ofSize(4);
  private static final VoteSource DISK = VoteSource.toPartitionOf("qdisk", 1, Optional::empty);

  static Stream<Arguments> refused() {
    return Stream.of(
        refusal(
            "two_node with three members",
            () -> QuorumPolicy.builder(Clusters.ofSize(3)).twoNode(true).build(),
            "quorum.two_node",
            "exactly 2 members",
            "3"),
        refusal(
            "two_node on one host",
            () ->
                QuorumPolicy.builder(
                        Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-1").build())
                    .twoNode(true)
                    .build(),
            "quorum.two_node",
            "hv-1",
            "different hosts"),
        refusal(
            "two_node with last_man_standing",
            () -> QuorumPolicy.builder(TWO).twoNode(true).lastManStanding(true).build(),
            "quorum.two_node",
            "last_man_standing"),
        refusal(
            "two_node with auto_tie_breaker",
            () ->
                QuorumPolicy.builder(TWO).twoNode(true).autoTieBreaker(TieBreaker.lowest()).build(),
            "quorum.two_node",
            "auto_tie_breaker"),
        refusal(
            "two_node with a vote source",
            () -> QuorumPolicy.builder(TWO).twoNode(true).voteSource(DISK).build(),
            "quorum.two_node",
            "vote source"),
        refusal(
            "last_man_standing with a two-vote member",
            () -> QuorumPolicy.builder(Clusters.withVotes(1, 2, 1)).lastManStanding(true).build(),
            "quorum.last_man_standing",
            "member 2 has 2"),
        refusal(
            "last_man_standing with a vote source",
            () -> QuorumPolicy.builder(FOUR).lastManStanding(true).voteSource(DISK).build(),
            "quorum.last_man_standing",
            "vote source"),
        refusal(
            "last_man_standing window of zero",
            () ->
                QuorumPolicy.builder(FOUR)
                    .lastManStanding(true)
                    .lastManStandingWindow(Duration.ZERO)
                    .build(),
            "quorum.last_man_standing_window",
            "PT0S",
            "1 ms"),
        refusal(
            "auto_tie_breaker on odd votes without wait_for_all",
            () ->
                QuorumPolicy.builder(Clusters.ofSize(5))
                    .autoTieBreaker(TieBreaker.lowest())
                    .build(),
            "quorum.auto_tie_breaker",
            "odd",
            "(5)",
            "quorum.wait_for_all"),
        refusal(
            "auto_tie_breaker with a vote source",
            () ->
                QuorumPolicy.builder(FOUR)
                    .autoTieBreaker(TieBreaker.lowest())
                    .voteSource(DISK)
                    .build(),
            "quorum.auto_tie_breaker",
            "qdisk"),
        refusal(
            "auto_tie_breaker list naming an unknown member",
            () -> QuorumPolicy.builder(FOUR).autoTieBreaker(TieBreaker.ordered(2, 9)).build(),
            "quorum.auto_tie_breaker_node",
            "member 9"),
        refusal(
            "auto_tie_breaker list repeating a member",
            () -> TieBreaker.ordered(2, 2),
            "quorum.auto_tie_breaker_node",
            "repeats"),
        refusal(
            "empty auto_tie_breaker list",
            () -> TieBreaker.ordered(new int[0]),
            "quorum.auto_tie_breaker_node",
            "empty"),
        refusal(
            "two vote sources with one name",
            () -> QuorumPolicy.builder(FOUR).voteSource(DISK).voteSource(DISK).build(),
            "quorum.vote_source.name",
            "qdisk"),
        refusal(
            "vote source with no votes",
            () -> VoteSource.toPartitionOf("qdisk", 0, Optional::empty),
            "quorum.vote_source[qdisk].votes",
            "0",
            "1.."));
  }

  private static Arguments refusal(String name, Supplier<Object> build, String... fragments) {
    return Arguments.of(name, build, fragments);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesWithAMessageNamingKeyValueAndRemedy(
      String name, Supplier<Object> build, String[] fragments) {
    assertThatThrownBy(build::get)
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContainingAll(fragments);
  }

  @Test
  void autoTieBreakerOnOddVotesIsAcceptedWithWaitForAll() {
    QuorumPolicy policy =
        QuorumPolicy.builder(Clusters.ofSize(5))
            .waitForAll(true)
            .autoTieBreaker(TieBreaker.highest())
            .build();
    assertThat(policy.autoTieBreaker()).contains(TieBreaker.highest());
  }

  @Test
  void defaultsAreVotequorumDefaults() {
    QuorumPolicy policy = QuorumPolicy.builder(FOUR).build();
    assertThat(policy.waitForAll()).isFalse();
    assertThat(policy.twoNode()).isFalse();
    assertThat(policy.lastManStanding()).isFalse();
    assertThat(policy.lastManStandingWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.autoTieBreaker()).isEmpty();
    assertThat(policy.configuredExpectedVotes()).isEqualTo(4);
  }

  @Test
  void voteSourceVotesCountTowardsExpectedVotes() {
    QuorumPolicy policy =
        QuorumPolicy.builder(FOUR)
            .voteSource(VoteSource.toPartitionOf("qdisk", 3, Optional::empty))
            .build();
    assertThat(policy.configuredExpectedVotes()).isEqualTo(7);
    assertThat(policy.initialState().threshold()).isEqualTo(4);
  }

  @Test
  void warnsAboutAHostWhoseLossCostsQuorum() {
    Topology topology =
        Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-1").member(3, 1, "hv-2").build();
    assertThat(QuorumPolicy.builder(topology).build().warnings())
        .singleElement()
        .asString()
        .contains("hv-1", "[1, 2]", "leaves 1", "threshold 2");
    assertThat(QuorumPolicy.builder(Clusters.ofSize(3)).build().warnings()).isEmpty();
    // Regression: two_node's survivor needs one vote, so neither host costs quorum.
    assertThat(QuorumPolicy.builder(Clusters.ofSize(2)).twoNode(true).build().warnings()).isEmpty();
  }
}
