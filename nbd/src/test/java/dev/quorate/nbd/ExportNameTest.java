package dev.quorate.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.FencingToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ExportNameTest {
  @Test
  void roundTripsThroughText() {
    ExportName name = ExportName.of("vm-web-1", new FencingToken(4294967302L, 3));
    assertThat(name).hasToString("vm-web-1@4294967302.3");
    assertThat(ExportName.parse(name.toString())).isEqualTo(name);
  }

  @Test
  void aStandbyNameRoundTrips() {
    ExportName name = ExportName.standby("vm-web-1", FencingToken.of(9));
    assertThat(name).hasToString("vm-web-1@9.0+standby");
    assertThat(ExportName.parse("vm-web-1@9+standby")).isEqualTo(name);
    assertThat(ExportName.parse("vm-web-1@9").standby()).isFalse();
  }

  @Test
  void aBareMajorMeansMinorZero() {
    assertThat(ExportName.parse("vm-web-1@42").token()).isEqualTo(FencingToken.of(42));
  }

  @Test
  void refusesNamesWithoutTokenOrWithBadParts() {
    assertThatThrownBy(() -> ExportName.parse("vm-web-1"))
        .hasMessageContaining("carries no fencing token");
    assertThatThrownBy(() -> ExportName.parse("vm-web-1@"))
        .hasMessageContaining("fencing token '' in export name 'vm-web-1@'");
    assertThatThrownBy(() -> ExportName.parse("vm-web-1@-3")).hasMessageContaining("'-3'");
    assertThatThrownBy(() -> ExportName.parse("vm-web-1@99999999999999999999"))
        .hasMessageContaining("beyond");
    assertThatThrownBy(() -> ExportName.parse("vm/web@1")).hasMessageContaining("'vm/web'");
    assertThatThrownBy(() -> ExportName.parse("@1")).hasMessageContaining("export name ''");
  }
}
