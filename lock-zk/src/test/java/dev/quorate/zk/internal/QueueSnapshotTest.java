package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.LockMode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class QueueSnapshotTest {
  private static final String UUID_PREFIX = "_c_0f0e0d0c-0b0a-0908-0706-050403020100-";

  private static String request(LockMode mode, long seq) {
    return UUID_PREFIX + LockNode.requestPrefix(mode) + String.format("%010d", seq);
  }

  private static String conversion(LockMode mode, long position, long seq) {
    return UUID_PREFIX + LockNode.conversionPrefix(mode, position) + String.format("%010d", seq);
  }

  private static QueueSnapshot queue(String... names) {
    return new QueueSnapshot(List.of(names));
  }

  private static boolean granted(QueueSnapshot queue, String name) {
    return queue.blockers(queue.find(name).orElseThrow()).isEmpty();
  }

  @Test
  void aHolderRecordWithoutANodeOfItsLeaseNamesALostHolder() {
    QueueSnapshot queue =
        queue(
            HolderRecord.name(1), // lost: its lease has no node left
            HolderRecord.name(3), // held, converting: the conversion keeps the position
            conversion(LockMode.EX, 3, 5),
            request(LockMode.PR, 3),
            HolderRecord.name(6), // held after a conversion: only the conversion node is left
            conversion(LockMode.CR, 6, 8),
            request(LockMode.EX, 9),
            "holder-x",
            "holder-");
    assertThat(queue.lostHolders()).containsExactly(1L);
    assertThat(queue.hasHolderRecord(3)).isTrue();
    assertThat(queue.hasHolderRecord(9)).isFalse();
    // Records are no lock nodes: the rules never see them.
    assertThat(queue.nodes()).extracting(LockNode::seq).containsExactly(3L, 5L, 8L, 9L);
    assertThat(queue(request(LockMode.EX, 2)).lostHolders()).isEmpty();
    assertThat(HolderRecord.parsePosition(request(LockMode.EX, 2))).isEmpty();
    assertThat(HolderRecord.parsePosition(HolderRecord.name(12345678901L))).hasValue(12345678901L);
  }

  @Test
  void parsesRequestAndConversionNamesWithOrWithoutProtection() {
    assertThat(LockNode.parse(request(LockMode.PW, 7)))
        .hasValue(new LockNode(request(LockMode.PW, 7), LockMode.PW, 7, 7));
    LockNode converting = LockNode.parse(conversion(LockMode.EX, 3, 9)).orElseThrow();
    assertThat(converting.isConversion()).isTrue();
    assertThat(converting.position()).isEqualTo(3);
    assertThat(LockNode.parse("EX-0000000004")).isPresent();
    assertThat(LockNode.parse("foreign-node")).isEmpty();
  }

  @Test
  void foreignChildrenAreIgnored() {
    QueueSnapshot queue = queue("garbage", request(LockMode.EX, 2));
    assertThat(queue.nodes()).hasSize(1);
    assertThat(granted(queue, request(LockMode.EX, 2))).isTrue();
  }

  @Test
  void requestsAreGrantedInArrivalOrderWhenIncompatible() {
    QueueSnapshot queue =
        queue(request(LockMode.EX, 3), request(LockMode.EX, 1), request(LockMode.EX, 2));
    assertThat(granted(queue, request(LockMode.EX, 1))).isTrue();
    assertThat(queue.blockers(queue.find(request(LockMode.EX, 3)).orElseThrow()))
        .extracting(LockNode::seq)
        .containsExactly(1L, 2L);
  }

  @Test
  void compatibleRequestDoesNotOvertakeAnIncompatibleWaiter() {
    QueueSnapshot queue =
        queue(request(LockMode.PR, 1), request(LockMode.EX, 2), request(LockMode.PR, 3));
    assertThat(granted(queue, request(LockMode.PR, 3))).isFalse();
  }

  @Test
  void conversionWaitsForOtherHoldersButNotForItsOwnOldNode() {
    QueueSnapshot queue =
        queue(request(LockMode.PR, 1), request(LockMode.PR, 2), conversion(LockMode.EX, 1, 3));
    LockNode converting = queue.find(conversion(LockMode.EX, 1, 3)).orElseThrow();
    assertThat(queue.blockers(converting)).extracting(LockNode::seq).containsExactly(2L);
    assertThat(queue.deadlocks(converting)).isFalse();
    // The holder at 2 was granted before the conversion appeared; it stays granted.
    assertThat(granted(queue, request(LockMode.PR, 2))).isTrue();
    assertThat(queue.waitersBlockedBy(queue.find(request(LockMode.PR, 2)).orElseThrow()))
        .extracting(LockNode::mode)
        .containsExactly(LockMode.EX);
  }

  @Test
  void conversionGoesAheadOfARequestThatWaitsOnlyOnTheConvertingLease() {
    QueueSnapshot queue =
        queue(request(LockMode.PR, 1), request(LockMode.EX, 2), conversion(LockMode.EX, 1, 3));
    assertThat(granted(queue, conversion(LockMode.EX, 1, 3))).isTrue();
    assertThat(granted(queue, request(LockMode.EX, 2))).isFalse();
    // Once the old node is gone, the waiter still respects the converted lease.
    QueueSnapshot after = queue(request(LockMode.EX, 2), conversion(LockMode.EX, 1, 3));
    assertThat(granted(after, request(LockMode.EX, 2))).isFalse();
  }

  @Test
  void conversionRespectsAnotherLeasesLaterDownConversion() {
    // Found by the TCK property: CR at 1 converts to EX (3) while PW at 2 converts down to PR (4)
    // and deletes its PW node. The PR lease is held; the EX conversion must keep waiting for it.
    QueueSnapshot queue =
        queue(
            request(LockMode.CR, 1), conversion(LockMode.EX, 1, 3), conversion(LockMode.PR, 2, 4));
    assertThat(queue.blockers(queue.find(conversion(LockMode.EX, 1, 3)).orElseThrow()))
        .extracting(LockNode::seq)
        .containsExactly(4L);
    assertThat(granted(queue, conversion(LockMode.PR, 2, 4))).isTrue();
  }

  @Test
  void twoReadersConvertingToExclusiveDeadlockAndOnlyTheNewerGivesUp() {
    QueueSnapshot queue =
        queue(
            request(LockMode.PR, 1),
            request(LockMode.PR, 2),
            conversion(LockMode.EX, 1, 3),
            conversion(LockMode.EX, 2, 4));
    assertThat(queue.deadlocks(queue.find(conversion(LockMode.EX, 2, 4)).orElseThrow())).isTrue();
    assertThat(queue.deadlocks(queue.find(conversion(LockMode.EX, 1, 3)).orElseThrow())).isFalse();
  }

  @Test
  void grantedModesAreAlwaysPairwiseCompatible() {
    List<List<String>> queues =
        List.of(
            List.of(request(LockMode.CW, 1), request(LockMode.CR, 2), request(LockMode.PR, 3)),
            List.of(
                request(LockMode.NL, 1),
                request(LockMode.EX, 2),
                conversion(LockMode.PW, 1, 3),
                request(LockMode.CR, 4)),
            List.of(
                request(LockMode.PR, 1),
                request(LockMode.PW, 2),
                request(LockMode.PR, 3),
                conversion(LockMode.PW, 1, 4)));
    for (List<String> names : queues) {
      QueueSnapshot queue = new QueueSnapshot(names);
      List<LockNode> holding =
          queue.nodes().stream().filter(n -> queue.blockers(n).isEmpty()).toList();
      for (LockNode a : holding) {
        for (LockNode b : holding) {
          if (a.position() != b.position()) {
            assertThat(a.mode().compatibleWith(b.mode()))
                .as("%s and %s granted together in %s", a, b, names)
                .isTrue();
          }
        }
      }
    }
  }
}
