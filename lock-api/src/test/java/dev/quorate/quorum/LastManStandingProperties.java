package dev.quorate.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * last_man_standing shrink sequences stay quorate exactly as specified: a departure keeps quorum
 * only if the rest reaches the threshold of the current expected votes, and expected votes drop to
 * the members present only after a quiet window spent quorate.
 */
class LastManStandingProperties {
  /** One shrink step: how many members leave, and whether the window passes before the next. */
  record Step(int leaving, boolean windowPasses) {}

  @Property(tries = 300)
  void shrinkingFollowsTheSpecifiedModel(
      @ForAll @IntRange(min = 2, max = 15) int size,
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 4) Integer> leaving,
      @ForAll @Size(min = 8, max = 8) List<Boolean> windowPasses,
      @ForAll @IntRange(min = 1, max = 60) int windowSeconds) {
    QuorumPolicy policy =
        QuorumPolicy.builder(Clusters.ofSize(size))
            .lastManStanding(true)
            .lastManStandingWindow(Duration.ofSeconds(windowSeconds))
            .build();
    long window = windowSeconds * Clusters.SECOND;
    long now = 0;
    int present = size;
    QuorumState state =
        policy.evaluate(policy.initialState(), Membership.of(Clusters.upTo(size)), now);

    // The model, straight from the votequorum description.
    int expected = size;
    boolean quorate = true;
    for (int i = 0; i < leaving.size() && present > 1; i++) {
      present = Math.max(1, present - leaving.get(i));
      now += 1; // the departure comes well inside any window started before it
      state = policy.evaluate(state, Membership.of(Clusters.upTo(present)), now);
      quorate = present >= expected / 2 + 1;
      assertThat(state.quorate()).as("step %d to %d members", i, present).isEqualTo(quorate);

      if (windowPasses.get(i)) {
        now += window;
        state = policy.evaluate(state, Membership.of(Clusters.upTo(present)), now);
        if (quorate) {
          expected = present;
        }
      } else {
        now += window / 2; // half a window: the next departure restarts it before it ends
      }
      assertThat(state.expectedVotes()).as("expected after step %d", i).isEqualTo(expected);
      assertThat(state.quorate()).isEqualTo(quorate);
    }
  }

  @Property(tries = 100)
  void withoutATieBreakerTheLastTwoNeverShrinkToOne(@ForAll @IntRange(min = 2, max = 15) int size) {
    QuorumPolicy policy = QuorumPolicy.builder(Clusters.ofSize(size)).lastManStanding(true).build();
    QuorumState state =
        policy.evaluate(policy.initialState(), Membership.of(Clusters.upTo(size)), 0);
    long now = 0;
    // Shrink one member at a time, always waiting out the window: quorate down to two.
    for (int n : IntStream.iterate(size - 1, n -> n >= 1, n -> n - 1).toArray()) {
      now += Clusters.SECOND;
      state = policy.evaluate(state, Membership.of(Clusters.upTo(n)), now);
      now += 11 * Clusters.SECOND;
      state = policy.evaluate(state, Membership.of(Clusters.upTo(n)), now);
      assertThat(state.quorate()).as("%d members", n).isEqualTo(n >= 2);
    }
  }
}
