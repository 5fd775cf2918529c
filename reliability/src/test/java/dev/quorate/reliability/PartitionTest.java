package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which links each kind of partition cuts. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PartitionTest {
  private static final List<String> THREE = List.of("zk1", "zk2", "zk3");
  private static final List<String> FIVE = List.of("zk1", "zk2", "zk3", "zk4", "zk5");
  private static final List<String> CLIENTS = List.of("client-1", "client-2");

  private static Partition.Link link(String a, String b) {
    return new Partition.Link(a, b);
  }

  @Test
  void aSplitCutsEveryLinkAcrossItAndNoneWithinASide() {
    Partition p =
        Partition.split(
            THREE, CLIENTS, Set.of("zk1", "client-1"), Set.of("zk2", "zk3", "client-2"));
    assertThat(p.cut())
        .containsExactlyInAnyOrder(
            link("zk1", "zk2"),
            link("zk1", "zk3"),
            link("zk1", "client-2"),
            link("zk2", "client-1"),
            link("zk3", "client-1"));
  }

  @Test
  void aSplitMustPlaceEveryNodeOnceNamingTheOneThatIsNot() {
    assertThatThrownBy(
            () -> Partition.split(THREE, CLIENTS, Set.of("zk1"), Set.of("zk2", "zk3", "client-2")))
        .hasMessageStartingWith("client-1 must be on exactly one side");
  }

  @Test
  void aBridgeCutsOnlyBetweenItsHalves() {
    Partition p = Partition.bridge(FIVE, CLIENTS, Set.of("zk1", "zk2"), Set.of("zk4", "zk5"));
    assertThat(p.cut())
        .containsExactlyInAnyOrder(
            link("zk1", "zk4"), link("zk1", "zk5"), link("zk2", "zk4"), link("zk2", "zk5"));
  }

  @Test
  void aRingLeavesEachServerItsTwoNeighboursAndNeedsFourServers() {
    Partition p = Partition.ring(List.of("zk3", "zk1", "zk5", "zk2", "zk4"), CLIENTS);
    // Not neighbours in the ring 3-1-5-2-4-3: 3-5, 3-2, 1-2, 1-4, 5-4.
    assertThat(p.cut())
        .containsExactlyInAnyOrder(
            link("zk3", "zk5"),
            link("zk3", "zk2"),
            link("zk1", "zk2"),
            link("zk1", "zk4"),
            link("zk5", "zk4"));
    assertThatThrownBy(() -> Partition.ring(THREE, CLIENTS))
        .hasMessageContaining("at least 4 servers");
  }

  @Test
  void aClientToOneServerLosesTheOthersOnly() {
    assertThat(Partition.clientToOne(THREE, CLIENTS, "client-2", "zk3").cut())
        .containsExactlyInAnyOrder(link("zk1", "client-2"), link("zk2", "client-2"));
  }

  @Test
  void anIsolatedClientLosesEveryServerAndTheServersStayWhole() {
    assertThat(Partition.isolate(THREE, CLIENTS, "client-1").cut())
        .containsExactlyInAnyOrder(
            link("zk1", "client-1"), link("zk2", "client-1"), link("zk3", "client-1"));
  }
}
