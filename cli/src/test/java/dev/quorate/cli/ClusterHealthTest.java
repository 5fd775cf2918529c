package dev.quorate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.fence.ClusterView;
import dev.quorate.fence.Occupant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The health rule, one published situation per test. */
@Timeout(10)
class ClusterHealthTest {
  private static final List<Occupant> SHOP =
      List.of(
          new Occupant("shop", "db-a", "h1", 1, Occupant.Role.ACTIVE),
          new Occupant("shop", "db-b", "h1", 1, Occupant.Role.ACTIVE),
          new Occupant("shop", "db-c", "h2", 1, Occupant.Role.STANDBY),
          new Occupant("other", "web-1", "h2", 1, Occupant.Role.ACTIVE));
  private static final Set<String> ALL = Set.of("shop/db-a", "shop/db-b", "shop/db-c");

  private static Optional<ClusterView> view(String... partition) {
    return Optional.of(new ClusterView("shop", true, 2, Set.of(partition)));
  }

  @Test
  void everyMemberConnectedAndCountedIsHealthy() {
    Status.ClusterState state =
        ClusterHealth.judge("shop", SHOP, ALL, view("db-a", "db-b", "db-c"));

    assertThat(state.health()).isEqualTo(Health.HEALTHY);
    assertThat(state.why())
        .isEqualTo("quorate: partition db-a, db-b, db-c holds 3 of 3 member votes, threshold 2");
    assertThat(state.members())
        .extracting(Status.MemberState::name)
        .containsExactly("db-a", "db-b", "db-c");
  }

  @Test
  void aMemberWhoseSessionEndedMakesItDegraded() {
    Status.ClusterState state =
        ClusterHealth.judge("shop", SHOP, Set.of("shop/db-a", "shop/db-b"), view("db-a", "db-b"));

    assertThat(state.health()).isEqualTo(Health.DEGRADED);
    assertThat(state.why()).endsWith("threshold 2; down: db-c");
  }

  @Test
  void aConnectedMemberOutsideThePartitionMakesItDegraded() {
    Status.ClusterState state = ClusterHealth.judge("shop", SHOP, ALL, view("db-a", "db-b"));

    assertThat(state.health()).isEqualTo(Health.DEGRADED);
    assertThat(state.why()).endsWith("; outside the partition: db-c");
  }

  @Test
  void noPublishedViewIsNoQuorum() {
    Status.ClusterState state =
        ClusterHealth.judge("shop", SHOP, Set.of("shop/db-a"), Optional.empty());

    assertThat(state.health()).isEqualTo(Health.NO_QUORUM);
    assertThat(state.why())
        .isEqualTo(
            "no quorum: no connected member publishes a quorate view (1 of 3 members connected)");
  }

  @Test
  void votesBelowTheThresholdAreSaidToComeFromVoteSources() {
    // A two-host cluster whose survivor holds the quorum disk's vote: 1 member vote + 1 = 2.
    List<Occupant> pair =
        List.of(
            new Occupant("shop", "db-a", "h1", 1, Occupant.Role.ACTIVE),
            new Occupant("shop", "db-b", "h2", 1, Occupant.Role.ACTIVE));
    Status.ClusterState state =
        ClusterHealth.judge("shop", pair, Set.of("shop/db-b"), view("db-b"));

    assertThat(state.health()).isEqualTo(Health.DEGRADED);
    assertThat(state.why())
        .isEqualTo(
            "quorate but degraded: partition db-b holds 1 of 2 member votes, threshold 2; 1 more"
                + " from vote sources (quorum disk, arbiter); down: db-a");
  }

  @Test
  void healthOrdersFromBestToWorst() {
    assertThat(Health.HEALTHY.worse(Health.DEGRADED)).isEqualTo(Health.DEGRADED);
    assertThat(Health.NO_QUORUM.worse(Health.DEGRADED)).isEqualTo(Health.NO_QUORUM);
    assertThat(List.of(Health.values()).stream().map(Health::exitCode)).containsExactly(0, 1, 2);
  }
}
