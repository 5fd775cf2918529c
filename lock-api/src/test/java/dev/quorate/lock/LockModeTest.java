package dev.quorate.lock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LockModeTest {
  // The VMS table, row = held, column = asked, NL..EX.
  private static final String[] MATRIX = {
    "YYYYYY", "YYYYY-", "YYY---", "YY-Y--", "YY----", "Y-----",
  };

  @Test
  void compatibilityFollowsTheVmsTable() {
    for (LockMode held : LockMode.values()) {
      for (LockMode asked : LockMode.values()) {
        boolean expected = MATRIX[held.ordinal()].charAt(asked.ordinal()) == 'Y';
        assertThat(held.compatibleWith(asked))
            .as("%s held, %s asked", held, asked)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void compatibilityIsSymmetric() {
    for (LockMode a : LockMode.values()) {
      for (LockMode b : LockMode.values()) {
        assertThat(a.compatibleWith(b)).isEqualTo(b.compatibleWith(a));
      }
    }
  }

  @Test
  void downConversionsAreThoseThatNeverNeedToWait() {
    assertThat(LockMode.EX.covers(LockMode.PW)).isTrue();
    assertThat(LockMode.PW.covers(LockMode.PR)).isTrue();
    assertThat(LockMode.PW.covers(LockMode.CW)).isTrue();
    assertThat(LockMode.PR.covers(LockMode.CR)).isTrue();
    assertThat(LockMode.CR.covers(LockMode.NL)).isTrue();
    assertThat(LockMode.PR.covers(LockMode.CW)).isFalse();
    assertThat(LockMode.CW.covers(LockMode.PR)).isFalse();
    assertThat(LockMode.NL.covers(LockMode.CR)).isFalse();
    for (LockMode mode : LockMode.values()) {
      assertThat(mode.covers(mode)).isTrue();
      assertThat(LockMode.EX.covers(mode)).isTrue();
    }
  }

  @Test
  void onlyWritersWriteTheValueBlock() {
    assertThat(LockMode.values())
        .filteredOn(LockMode::writesValueBlock)
        .containsExactly(LockMode.PW, LockMode.EX);
  }
}
