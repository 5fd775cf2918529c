package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order of permit nodes: by their sequence only, whatever Curator's protection prefix. */
@Timeout(10)
class ZkPermitQueueTest {
  @Test
  void nodesAreOrderedBySequenceNotByTheirProtectionPrefix() {
    List<String> children =
        List.of(
            "_c_ffff0000-0000-0000-0000-000000000000-p-0000000003",
            "_c_00000000-0000-0000-0000-000000000000-p-0000000011",
            "_c_88880000-0000-0000-0000-000000000000-p-0000000007");
    assertThat(ZkPermitQueue.position(children, children.get(0))).isZero();
    assertThat(ZkPermitQueue.position(children, children.get(2))).isEqualTo(1);
    assertThat(ZkPermitQueue.position(children, children.get(1))).isEqualTo(2);
    assertThat(ZkPermitQueue.position(children, "_c_x-p-0000000001")).isEqualTo(-1);
  }
}
