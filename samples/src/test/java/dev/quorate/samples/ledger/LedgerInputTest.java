package dev.quorate.samples.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.FencingToken;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine.TypeConversionException;

/** What the ledger sample accepts on its command line and in its ledger file. */
@Timeout(10)
class LedgerInputTest {
  private final ConnectString connect = new ConnectString();
  private final ShortDuration duration = new ShortDuration();

  @Test
  void connectStringsNameOneThreeOrFiveServers() {
    assertThat(connect.convert("zk1:2181")).isEqualTo("zk1:2181");
    assertThat(connect.convert("10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181")).contains("10.0.0.3");
    assertThatThrownBy(() -> connect.convert("zk1:2181,zk2:2181"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'zk1:2181,zk2:2181' names 2 servers");
    assertThatThrownBy(() -> connect.convert("zk1:70000"))
        .hasMessageContaining("'zk1:70000' is not host:port");
    assertThatThrownBy(() -> connect.convert("zk1")).hasMessageContaining("'zk1' is not host:port");
    assertThatThrownBy(() -> connect.convert("zk1:2181,")).hasMessageContaining("'' is not");
  }

  @Test
  void sessionTimeoutsAreSecondsOrMillisecondsFromOneToSixtySeconds() {
    assertThat(duration.convert("4s")).isEqualTo(Duration.ofSeconds(4));
    assertThat(duration.convert("2500ms")).isEqualTo(Duration.ofMillis(2500));
    assertThatThrownBy(() -> duration.convert("500ms"))
        .hasMessageContaining("'500ms' is out of range: give 1s to 60s");
    assertThatThrownBy(() -> duration.convert("PT4S"))
        .hasMessageContaining("'PT4S' is not a duration");
  }

  @Test
  void entriesRoundTripAndNonsenseIsNamed() {
    LedgerEntry entry = new LedgerEntry(FencingToken.of(42), "w2", 3, "run-1");

    assertThat(LedgerEntry.parse(entry.toLine())).isEqualTo(entry);
    assertThatThrownBy(() -> LedgerEntry.parse("42.0 w2 three run-1"))
        .hasMessageContaining("'42.0 w2 three run-1' has no entry number");
    assertThatThrownBy(() -> new LedgerEntry(FencingToken.of(1), "w 1", 1, "r"))
        .hasMessageContaining("writer 'w 1'");
  }
}
