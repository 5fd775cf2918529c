package dev.quorate.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ValueBlockTest {
  @Test
  void holdsACopyOfItsBytes() {
    byte[] bytes = {1, 2, 3};
    ValueBlock block = ValueBlock.of(bytes);
    bytes[0] = 9;
    assertThat(block.toBytes()).containsExactly(1, 2, 3);
    block.toBytes()[1] = 9;
    assertThat(block).isEqualTo(ValueBlock.of(new byte[] {1, 2, 3}));
    assertThat(block.toString()).isEqualTo("ValueBlock[010203]");
  }

  @Test
  void longRoundTrip() {
    assertThat(ValueBlock.ofLong(-2).asLong()).isEqualTo(-2);
    assertThat(ValueBlock.ofLong(Long.MAX_VALUE).asLong()).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> ValueBlock.of(new byte[3]).asLong()).hasMessageContaining("3 bytes");
  }

  @Test
  void limitsTheSize() {
    assertThat(ValueBlock.of(new byte[ValueBlock.MAX_BYTES]).size()).isEqualTo(64);
    assertThatThrownBy(() -> ValueBlock.of(new byte[65]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65");
    assertThat(ValueBlock.of(new byte[0])).isSameAs(ValueBlock.empty());
  }
}
