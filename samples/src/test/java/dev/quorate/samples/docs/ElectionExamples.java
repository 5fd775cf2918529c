package dev.quorate.samples.docs;

import dev.quorate.lock.Election;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.Permit;
import dev.quorate.lock.Semaphore;
import dev.quorate.lock.TokenGuard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The examples of docs/elections.md; {@code ElectionExamplesTest} runs them in process. */
final class ElectionExamples {
  private static final Logger log = LoggerFactory.getLogger(ElectionExamples.class);

  private ElectionExamples() {}

  /** What the leader of the examples does: one job at a time, shown the epoch. */
  interface Jobs {
    void runNext(FencingToken epoch);
  }

  /** The job store behind a token guard. */
  interface Store {
    void apply(String job);
  }

  /** Where the leader is shown. */
  interface Dashboard {
    void show(String leader);
  }

  /** What a permit holder does. */
  interface Hypervisor {
    void start(String vm, FencingToken token);

    void pauseStarts();
  }

  static void lead(LockManager manager, Jobs jobs) throws InterruptedException {
    Election election = manager.election("scheduler");
    try (Leadership leadership = election.campaign("node-a")) {
      leadership.addListener(ended -> log.warn("no longer leading: {}", ended.cause()));
      while (leadership.isLeading()) {
        jobs.runNext(leadership.token()); // the job store admits the token through a TokenGuard
      }
    }
  }

  static void applyAsLeader(FencingToken epoch, Store store, String job) {
    TokenGuard guard = TokenGuard.persistent(Path.of("/var/lib/jobs/leader.token"));
    guard.access(epoch, () -> store.apply(job)); // StaleTokenException for a deposed leader
  }

  static Optional<Leader> observe(Election election, Dashboard dashboard) {
    election.addObserver(leader -> dashboard.show(leader.map(Leader::candidate).orElse("nobody")));
    Optional<Leader> now = election.leader();
    return now;
  }

  static void startVm(LockManager manager, Hypervisor hypervisor, String vm)
      throws InterruptedException {
    Semaphore starts = manager.semaphore("host-3/vm-starts", 2);
    try (Permit permit = starts.acquire()) {
      permit.checkValid();
      hypervisor.start(vm, permit.token());
    }
  }

  static Optional<Permit> startWithin(Semaphore starts, Hypervisor hypervisor)
      throws InterruptedException {
    Optional<Permit> maybe = starts.tryAcquire(Duration.ofSeconds(5));
    maybe.ifPresent(
        permit ->
            permit.addListener(
                event -> {
                  if (event.to() == LeaseState.SUSPECT || event.to() == LeaseState.LOST) {
                    hypervisor.pauseStarts(); // not at RELEASED: that is this holder's own doing
                  }
                }));
    return maybe;
  }
}
