package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UP view of a heartbeat record, as a list and as the map a slot stores. */
@Timeout(10)
class UpNodesTest {

  @Test
  void isTheAscendingListOfItsIdsEachOnce() {
    List<Integer> up = UpNodes.copyOf(List.of(255, 3, 1, 128, 3, 64, 63));

    assertThat(up).containsExactly(1, 3, 63, 64, 128, 255);
    assertThat(up).isEqualTo(List.of(1, 3, 63, 64, 128, 255));
    assertThat(List.of(1, 3, 63, 64, 128, 255)).isEqualTo(up);
    assertThat(up.hashCode()).isEqualTo(List.of(1, 3, 63, 64, 128, 255).hashCode());
    assertThat(up).contains(128).doesNotContain(2, 0, 256, -1);
    assertThat(UpNodes.copyOf(List.of())).isEmpty();
  }

  @Test
  void survivesTheSlotMapForAnySetOfIds() {
    Random random = new Random(18);
    for (int round = 0; round < 200; round++) {
      List<Integer> ids = new ArrayList<>();
      for (int n = 1; n <= 255; n++) {
        if (random.nextInt(4) == 0) {
          ids.add(n);
        }
      }
      ByteBuffer map = ByteBuffer.allocate(UpNodes.MAP_BYTES);
      UpNodes.write(ids, map);

      List<Integer> back = UpNodes.read(map.flip());

      assertThat(back).as("round %d", round).isEqualTo(ids);
      assertThat(back).isEqualTo(UpNodes.copyOf(ids));
    }
  }

  @Test
  void keepsTheMapLayoutOfTheDiskFormat() {
    ByteBuffer map = ByteBuffer.allocate(UpNodes.MAP_BYTES);
    UpNodes.write(List.of(1, 9, 255), map);

    // Node n is bit n % 8 of byte n / 8, as format version 2 wrote it.
    assertThat(map.get(0)).isEqualTo((byte) 0b10);
    assertThat(map.get(1)).isEqualTo((byte) 0b10);
    assertThat(map.get(31)).isEqualTo((byte) 0x80);
  }

  @Test
  void refusesAnIdOutsideTheSlotsNamingIt() {
    assertThatThrownBy(() -> UpNodes.copyOf(List.of(1, 256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node id 256 in view out of range 1..255");
    assertThatThrownBy(() -> UpNodes.copyOf(List.of(0)))
        .hasMessage("node id 0 in view out of range 1..255");
    ByteBuffer map = ByteBuffer.allocate(UpNodes.MAP_BYTES).put(0, (byte) 1);
    assertThatThrownBy(() -> UpNodes.read(map)).hasMessage("node id 0 in view out of range 1..255");
  }
}
