package dev.quorate.qdisk.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskSnapshot;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import dev.quorate.qdisk.internal.daemon.ClusterView.Health;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@code status} concludes from two reads of every disk; each row is a cluster's moment. */
@Timeout(10)
class ClusterViewTest {
  private static final DiskHeader HEADER =
      new DiskHeader(
          DiskHeader.CURRENT_VERSION,
          UUID.randomUUID(),
          UUID.randomUUID(),
          "alpha",
          4,
          DiskTiming.defaults());

  /** A node's slot in the first read and in the second. */
  private record Beat(HeartbeatSlot before, HeartbeatSlot after) {}

  private static Beat running(int node, SlotState state, long term) {
    HeartbeatSlot a =
        new HeartbeatSlot(node, 1, 10, state, 0, true, 0, term, List.of(), "test-host");
    return new Beat(a, a.next(state, 0, true, 0, term, List.of()));
  }

  private static Beat silent(int node, SlotState state, long term) {
    HeartbeatSlot a =
        new HeartbeatSlot(node, 1, 10, state, 0, true, 0, term, List.of(), "test-host");
    return new Beat(a, a);
  }

  /** {@code disks} disks; those in {@code failed} unreadable; every readable one holds beats. */
  private static ClusterView judge(int disks, List<Integer> failed, Beat... beats) {
    List<Optional<DiskSnapshot>> first = new ArrayList<>();
    List<Optional<DiskSnapshot>> second = new ArrayList<>();
    List<Optional<String>> problems = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int d = 0; d < disks; d++) {
      names.add("d" + d);
      if (failed.contains(d)) {
        first.add(Optional.empty());
        second.add(Optional.empty());
        problems.add(Optional.of("read: I/O error"));
      } else {
        first.add(Optional.of(snapshot(beats, Beat::before)));
        second.add(Optional.of(snapshot(beats, Beat::after)));
        problems.add(Optional.empty());
      }
    }
    return ClusterView.judge(names, first, second, problems);
  }

  private static DiskSnapshot snapshot(Beat[] beats, Function<Beat, HeartbeatSlot> which) {
    Map<Integer, HeartbeatSlot> slots =
        List.of(beats).stream().map(which).collect(Collectors.toMap(HeartbeatSlot::nodeId, s -> s));
    return new DiskSnapshot(HEADER, slots);
  }

  @Test
  void allRunningWithAMasterIsHealthy() {
    ClusterView v =
        judge(
            3,
            List.of(),
            running(1, SlotState.MASTER, 1),
            running(2, SlotState.RUN, 1),
            running(3, SlotState.RUN, 1));
    assertThat(v.health()).isEqualTo(Health.HEALTHY);
    assertThat(v.master()).isEqualTo(1);
    assertThat(v.health().exitCode()).isZero();
  }

  @Test
  void afterAFailoverOnlyTheHeartbeatingMasterIsShownAsMaster() {
    ClusterView v =
        judge(
            1,
            List.of(),
            silent(1, SlotState.MASTER, 1), // killed: its slot still says MASTER
            running(2, SlotState.MASTER, 2),
            running(3, SlotState.RUN, 2));
    assertThat(v.master()).isEqualTo(2);
    assertThat(v.nodes())
        .extracting(ClusterView.NodeRow::shownState)
        .containsExactly("DOWN", "MASTER", "RUN");
    assertThat(v.toText())
        .containsOnlyOnce("MASTER  ")
        .contains("silent       incarnation 1, term 1  (last wrote MASTER)");
    assertThat(v.health()).isEqualTo(Health.DEGRADED);
    assertThat(v.health().exitCode()).isEqualTo(1);
  }

  @Test
  void aCleanlyStoppedNodeDoesNotDegrade() {
    ClusterView v =
        judge(1, List.of(), running(1, SlotState.MASTER, 1), silent(2, SlotState.STOPPED, 1));
    assertThat(v.health()).isEqualTo(Health.HEALTHY);
  }

  @Test
  void oneFailedDiskOfThreeDegradesTwoTakeTheVote() {
    Beat[] beats = {running(1, SlotState.MASTER, 1), running(2, SlotState.RUN, 1)};
    ClusterView one = judge(3, List.of(1), beats);
    assertThat(one.health()).isEqualTo(Health.DEGRADED);
    assertThat(one.master()).isEqualTo(1);
    assertThat(one.toText()).contains("disk d1: FAILED: read: I/O error");

    ClusterView two = judge(3, List.of(0, 2), beats);
    assertThat(two.health()).isEqualTo(Health.NO_VOTE);
    assertThat(two.health().exitCode()).isEqualTo(2);
  }

  @Test
  void noMasterMeansNoVote() {
    ClusterView v = judge(1, List.of(), running(1, SlotState.BID, 0), running(2, SlotState.RUN, 0));
    assertThat(v.master()).isZero();
    assertThat(v.health()).isEqualTo(Health.NO_VOTE);
  }
}
