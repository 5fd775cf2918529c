package dev.quorate.lock.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.ConversionDeadlockException;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property test of the TCK: random interleavings of acquire, convert and release from several
 * threads on two members never leave incompatible modes granted at once, and tokens rise with
 * real-time grant order between grants in incompatible modes. Implementations extend it and supply
 * the managers; a subclass that needs a server starts it in a jqwik {@code @BeforeContainer}
 * method.
 *
 * <p>Observation is conservative: a lease counts as held from the return of its grant to the call
 * of its release, which lies inside the real holding interval, and a lease is not checked while a
 * conversion of it is in flight. So every reported overlap is a real one.
 */
public abstract class LockManagerProperties {
  private static final Duration WAIT = Duration.ofMillis(40);

  /**
   * Creates a member on the lock space shared by all managers of the run.
   *
   * @return a new manager; the property closes it
   * @throws Exception if it cannot be created
   */
  protected abstract LockManager newManager() throws Exception;

  /**
   * Creates another member on the same lock space; by default {@code first} itself.
   *
   * @param first the first member
   * @return a contending member
   * @throws Exception if it cannot be created
   */
  protected LockManager newPeer(LockManager first) throws Exception {
    return first;
  }

  /** One step of a thread's script. */
  record Step(Kind kind, LockMode mode) {
    enum Kind {
      ACQUIRE,
      CONVERT,
      RELEASE
    }
  }

  @Provide
  Arbitrary<List<List<Step>>> scripts() {
    Arbitrary<Step> step =
        Combinators.combine(Arbitraries.of(Step.Kind.class), Arbitraries.of(LockMode.class))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(8).list().ofMinSize(2).ofMaxSize(4);
  }

  @Property(tries = 25)
  void grantsNeverOverlapIncompatiblyAndTokensFollowGrantOrder(
      @ForAll("scripts") List<List<Step>> scripts) throws Exception {
    LockManager first = newManager();
    LockManager second = newPeer(first);
    String resource = "prop-" + UUID.randomUUID();
    History history = new History();
    ExecutorService pool = Executors.newFixedThreadPool(scripts.size());
    // Threads take their i-th steps together, so that grants overlap as much as they may.
    CyclicBarrier rounds = new CyclicBarrier(scripts.size());
    int length = scripts.stream().mapToInt(List::size).max().orElse(0);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < scripts.size(); t++) {
        LockManager member = t % 2 == 0 ? first : second;
        List<Step> script = scripts.get(t);
        done.add(
            pool.submit(
                () -> {
                  try {
                    run(member, resource, script, length, rounds, history);
                  } catch (Exception | Error e) {
                    // Free the other threads at once; the first real failure is reported below.
                    rounds.reset();
                    throw e;
                  }
                  return null;
                }));
      }
      ExecutionException firstFailure = null;
      for (Future<?> future : done) {
        try {
          future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          boolean secondary = e.getCause() instanceof BrokenBarrierException;
          if (firstFailure == null
              || (!secondary && firstFailure.getCause() instanceof BrokenBarrierException)) {
            firstFailure = e;
          }
        }
      }
      if (firstFailure != null) {
        throw firstFailure;
      }
      // Liveness: with every lease released, nothing may still stand in the way.
      Optional<Lease> after = second.lock(resource).tryAcquire(LockMode.EX, Duration.ofSeconds(20));
      assertThat(after).as("EX after all threads released").isPresent();
      after.get().release();
    } finally {
      pool.shutdownNow();
      second.close();
      first.close();
    }
    assertThat(history.violations).isEmpty();
    history.checkTokenOrder();
  }

  private static void run(
      LockManager member,
      String resource,
      List<Step> script,
      int length,
      CyclicBarrier rounds,
      History history)
      throws InterruptedException, BrokenBarrierException, TimeoutException {
    Lease lease = null;
    for (int i = 0; i < length; i++) {
      rounds.await(30, TimeUnit.SECONDS);
      if (i >= script.size()) {
        continue;
      }
      Step step = script.get(i);
      switch (step.kind()) {
        case ACQUIRE -> {
          if (lease == null) {
            long invoked = history.clock.incrementAndGet();
            Optional<Lease> granted = member.lock(resource).tryAcquire(step.mode(), WAIT);
            if (granted.isPresent()) {
              lease = granted.get();
              history.granted(lease, invoked);
            }
          }
        }
        case CONVERT -> {
          if (lease != null) {
            LockMode from = lease.mode();
            history.unhold(lease);
            long invoked = history.clock.incrementAndGet();
            try {
              if (lease.tryConvert(step.mode(), WAIT) && !from.covers(step.mode())) {
                history.granted(lease, invoked);
              } else {
                history.hold(lease);
              }
            } catch (ConversionDeadlockException e) {
              history.hold(lease);
            }
          }
        }
        case RELEASE -> {
          if (lease != null) {
            history.unhold(lease);
            lease.release();
            lease = null;
          }
        }
      }
    }
    if (lease != null) {
      history.unhold(lease);
      lease.release();
    }
  }

  /** What the threads observed, with a logical clock for real-time order. */
  private static final class History {
    final AtomicLong clock = new AtomicLong();
    final Map<Lease, LockMode> held = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final List<long[]> grants = new CopyOnWriteArrayList<>();
    final List<FencingToken> tokens = new CopyOnWriteArrayList<>();
    final List<LockMode> modes = new CopyOnWriteArrayList<>();

    synchronized void hold(Lease lease) {
      LockMode mode = lease.mode();
      held.forEach(
          (other, otherMode) -> {
            if (!otherMode.compatibleWith(mode)) {
              violations.add(lease + " granted while " + other + " held " + otherMode);
            }
          });
      held.put(lease, mode);
    }

    synchronized void unhold(Lease lease) {
      held.remove(lease);
    }

    void granted(Lease lease, long invoked) {
      long returned = clock.incrementAndGet();
      synchronized (this) {
        grants.add(new long[] {invoked, returned});
        tokens.add(lease.token());
        modes.add(lease.mode());
      }
      hold(lease);
    }

    void checkTokenOrder() {
      Set<FencingToken> unique = new HashSet<>(tokens);
      assertThat(unique).as("grant tokens are unique").hasSameSizeAs(tokens);
      for (int a = 0; a < grants.size(); a++) {
        for (int b = 0; b < grants.size(); b++) {
          // The contract (FencingToken): a grant after another in an incompatible mode has a
          // greater token. Compatible grants may share a moment and need no order: a ZooKeeper
          // manager grants an NL request at once with a newer czxid than an older waiting one.
          if (grants.get(a)[1] < grants.get(b)[0] && !modes.get(a).compatibleWith(modes.get(b))) {
            assertThat(tokens.get(b))
                .as("grant %d returned before grant %d was asked for", a, b)
                .isGreaterThan(tokens.get(a));
          }
        }
      }
    }
  }
}
