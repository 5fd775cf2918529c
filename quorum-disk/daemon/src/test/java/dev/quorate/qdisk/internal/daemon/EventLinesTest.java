package dev.quorate.qdisk.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.QuorumDiskEvent.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The daemon logs changes, not beats. */
@Timeout(10)
class EventLinesTest {
  private final EventLines lines = new EventLines();
  private final List<String> logged = new ArrayList<>();

  private void feed(Kind kind, int node, long term, String detail) {
    lines
        .line(new QuorumDiskEvent(kind, node, term, 0, 0, detail))
        .ifPresent(l -> logged.add(l.level() + " " + l.text()));
  }

  @Test
  void aFlippingRestartIsLoggedOncePerIncarnationAndRenewalsNotAtAll() {
    for (int i = 0; i < 9; i++) {
      feed(Kind.NODE_RESTARTED, 2, 0, "node 2 restarted: incarnation " + (5 + i % 2));
      feed(Kind.UNDEAD_WRITE, 2, 0, "node 2 wrote after it was declared DOWN");
      feed(Kind.TENURE, 1, 3, "master until");
    }
    feed(Kind.NODE_DOWN, 3, 0, "node 3 is DOWN after 10 heartbeats without a change");
    feed(Kind.TENURE_ENDED, 1, 3, "gave up the master role: node 2 claims it with term 4");

    assertThat(logged)
        .containsExactly(
            "WARN NODE_RESTARTED node=2: node 2 restarted: incarnation 5",
            "WARN UNDEAD_WRITE node=2: node 2 wrote after it was declared DOWN",
            "WARN NODE_RESTARTED node=2: node 2 restarted: incarnation 6",
            "WARN UNDEAD_WRITE node=2: node 2 wrote after it was declared DOWN",
            "WARN NODE_DOWN node=3: node 3 is DOWN after 10 heartbeats without a change",
            "WARN TENURE_ENDED node=1 term=3: gave up the master role: node 2 claims it with term"
                + " 4");
  }
}
