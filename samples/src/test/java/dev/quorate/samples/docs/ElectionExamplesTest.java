package dev.quorate.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.Election;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.Permit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the examples of docs/elections.md on the in-process manager. */
@Timeout(30)
class ElectionExamplesTest {
  @Test
  void theLeaderRunsJobsWithItsEpochUntilItStops() throws Exception {
    try (LockManager manager = LockManager.inProcess()) {
      List<FencingToken> epochs = new CopyOnWriteArrayList<>();
      assertThatThrownBy(
              () ->
                  ElectionExamples.lead(
                      manager,
                      epoch -> {
                        epochs.add(epoch);
                        if (epochs.size() == 3) {
                          throw new IllegalStateException("job store unavailable");
                        }
                      }))
          .hasMessageContaining("job store unavailable");
      assertThat(epochs).hasSize(3).containsOnly(epochs.get(0));
      // Leaving the try-with-resources resigned: the next candidate is elected at once.
      assertThat(manager.election("scheduler").tryCampaign("node-b", Duration.ZERO)).isPresent();
    }
  }

  @Test
  void observersSeeTheLeaderComeAndGo() throws Exception {
    try (LockManager manager = LockManager.inProcess()) {
      Election election = manager.election("scheduler");
      BlockingQueue<String> shown = new LinkedBlockingQueue<>();
      ElectionExamples.observe(election, shown::add);
      assertThat(shown.poll(10, TimeUnit.SECONDS)).isEqualTo("nobody");
      try (var leadership = election.campaign("node-a")) {
        Optional<Leader> now = election.leader();
        assertThat(now).contains(leadership.leader());
        assertThat(shown.poll(10, TimeUnit.SECONDS)).isEqualTo("node-a");
      }
      assertThat(shown.poll(10, TimeUnit.SECONDS)).isEqualTo("nobody");
    }
  }

  @Test
  void twoVmsStartAtOnceAndTheThirdWaits() throws Exception {
    try (LockManager manager = LockManager.inProcess()) {
      List<String> started = new CopyOnWriteArrayList<>();
      ElectionExamples.Hypervisor hypervisor =
          new ElectionExamples.Hypervisor() {
            @Override
            public void start(String vm, FencingToken token) {
              started.add(vm + "@" + token);
            }

            @Override
            public void pauseStarts() {
              started.add("paused");
            }
          };
      ElectionExamples.startVm(manager, hypervisor, "web-1");
      var starts = manager.semaphore("host-3/vm-starts", 2);
      Optional<Permit> first = ElectionExamples.startWithin(starts, hypervisor);
      Optional<Permit> second = ElectionExamples.startWithin(starts, hypervisor);
      assertThat(first).isPresent();
      assertThat(second).isPresent();
      assertThat(starts.tryAcquire(Duration.ZERO)).isEmpty();
      assertThat(second.get().token().isNewerThan(first.get().token())).isTrue();
      first.get().release();
      second.get().release();
      assertThat(started).containsExactly("web-1@1.0");
    }
  }
}
