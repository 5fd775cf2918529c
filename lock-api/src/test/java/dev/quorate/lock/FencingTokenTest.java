package dev.quorate.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Positive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FencingTokenTest {
  @Test
  void ordersByMajorThenMinor() {
    assertThat(new FencingToken(5, 9)).isLessThan(new FencingToken(6, 0));
    assertThat(new FencingToken(6, 0)).isLessThan(new FencingToken(6, 1));
    assertThat(new FencingToken(6, 1).isNewerThan(new FencingToken(6, 0))).isTrue();
    assertThat(FencingToken.of(6).isNewerThan(FencingToken.of(6))).isFalse();
  }

  @Test
  void roundTripsThroughText() {
    FencingToken token = new FencingToken(0x300000002L, 7);
    assertThat(token.toString()).isEqualTo("12884901890.7");
    assertThat(FencingToken.parse(token.toString())).isEqualTo(token);
  }

  @Test
  void rejectsMalformedText() {
    for (String bad : new String[] {"", "5", "5.", ".5", "5.5.5", "a.1", "-1.0", "1.-2"}) {
      assertThatThrownBy(() -> FencingToken.parse(bad))
          .as("'%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void rejectsNegativePartsAndWrongByteLength() {
    assertThatThrownBy(() -> new FencingToken(-1, 0)).hasMessageContaining("major=-1");
    assertThatThrownBy(() -> FencingToken.fromBytes(new byte[15])).hasMessageContaining("15");
  }

  @Property(tries = 200)
  void bytesRoundTripAndCompareLikeTokens(
      @ForAll @Positive long majorA,
      @ForAll @Positive long minorA,
      @ForAll @Positive long majorB,
      @ForAll @Positive long minorB) {
    FencingToken a = new FencingToken(majorA, minorA);
    FencingToken b = new FencingToken(majorB, minorB);
    assertThat(FencingToken.fromBytes(a.toBytes())).isEqualTo(a);
    assertThat(Integer.signum(Arrays.compareUnsigned(a.toBytes(), b.toBytes())))
        .isEqualTo(Integer.signum(a.compareTo(b)));
  }
}
