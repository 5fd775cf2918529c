package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.fence.ClusterView;
import dev.quorate.fence.Occupant;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data of inventory and claim nodes: what is written reads back; anything else names the node.
 */
@Timeout(10)
class FenceNodeFormatsTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void occupantsAndViewsReadBackAsWritten() {
    Occupant o = new Occupant("c-1", "db-b", "appliance", 2, Occupant.Role.STANDBY);
    assertThat(InventoryNodes.decodeOccupant("/p", "c-1", "db-b", InventoryNodes.encode(o)))
        .isEqualTo(o);
    ClusterView v = new ClusterView("c-1", true, 2, Set.of("db-a", "db-b"));
    assertThat(InventoryNodes.decodeView("/p", "c-1", InventoryNodes.encode(v))).isEqualTo(v);
    ClusterView empty = new ClusterView("c-1", false, 1, Set.of());
    assertThat(InventoryNodes.decodeView("/p", "c-1", InventoryNodes.encode(empty)))
        .isEqualTo(empty);
  }

  @Test
  void badOccupantDataNamesTheNodeAndWhatWasExpected() {
    String path = "/quorate/inventory/occupants/c-1/db-b";
    for (String data :
        new String[] {
          "",
          "host=h1\nvotes=1\n",
          "host=h1\nvotes=x\nrole=active\n",
          "host=h 1\nvotes=1\nrole=active\n",
          "host=h1\nvotes=1\nrole=boss\n",
          "host=h1\nvotes=-1\nrole=active\n",
          "garbage"
        }) {
      assertThatThrownBy(() -> InventoryNodes.decodeOccupant(path, "c-1", "db-b", bytes(data)))
          .as(data)
          .isInstanceOfSatisfying(
              QuorateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_DATA))
          .hasMessageContaining(path)
          .hasMessageContaining("role=active|standby|other");
    }
  }

  @Test
  void badViewDataNamesTheNode() {
    String path = "/quorate/inventory/views/c-1/db-a";
    for (String data :
        new String[] {
          "quorate=yes\nthreshold=1\npartition=a\n", "quorate=true\nthreshold=0\npartition=a\n",
          "quorate=true\npartition=a\n", "quorate=true\nthreshold=1\npartition=a;b\n"
        }) {
      assertThatThrownBy(() -> InventoryNodes.decodeView(path, "c-1", bytes(data)))
          .as(data)
          .isInstanceOf(QuorateException.class)
          .hasMessageContaining(path);
    }
  }

  @Test
  void claimOwnersReadBackAndBadOnesNameTheNode() {
    FenceClaimOwner owner =
        new FenceClaimOwner(
            "c-1",
            "node-b",
            "node-a",
            new TreeSet<>(Set.of("h2", "h1")),
            "id-1",
            41,
            Instant.parse("2026-12-07T01:00:00Z"));
    assertThat(FenceClaimOwner.decode("/p", owner.encode())).isEqualTo(owner);
    assertThat(owner.describe())
        .isEqualTo("c-1/node-b fencing node-a on [h1, h2] (claimed 2026-12-07T01:00:00Z)");
    assertThatThrownBy(
            () ->
                FenceClaimOwner.decode(
                    "/quorate/fence/hosts/h1",
                    bytes(
                        "cluster=c\nmember=m\ntarget=t\nhosts=\nclaim=i\nhistory=x\nsince=now\n")))
        .hasMessageContaining("/quorate/fence/hosts/h1");
  }
}
