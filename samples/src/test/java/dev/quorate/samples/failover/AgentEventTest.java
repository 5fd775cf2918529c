package dev.quorate.samples.failover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AgentEventTest {
  @Test
  void aFormattedLineParsesBackWithItsFieldsAndText() {
    String line =
        AgentEvent.format(
            "guard",
            "fence guard: ALLOWED | with a bar",
            "reason",
            "ALLOWED_VM_LEVEL",
            "level",
            "2");
    AgentEvent event = AgentEvent.parse(line).orElseThrow();
    assertThat(event.kind()).isEqualTo("guard");
    assertThat(event.get("reason")).isEqualTo("ALLOWED_VM_LEVEL");
    assertThat(event.get("level")).isEqualTo("2");
    assertThat(event.get("missing")).isEmpty();
    assertThat(event.text()).isEqualTo("fence guard: ALLOWED | with a bar");
  }

  @Test
  void valuesWithSpacesStayOneFieldAndOtherLinesAreNoEvents() {
    AgentEvent event = AgentEvent.parse(AgentEvent.format("x", "t", "k", "a b")).orElseThrow();
    assertThat(event.get("k")).isEqualTo("a_b");
    assertThat(AgentEvent.parse("12:00:01 INFO something")).isEmpty();
  }
}
