package dev.quorate.lock.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Grants: exclusion, the compatibility matrix, queue order, and fencing tokens. */
public abstract class GrantingTck extends TckSupport {

  @Test
  void exclusiveModeGivesMutualExclusionUnderManyThreads() throws Exception {
    String resource = freshResource();
    int threads = 8;
    int rounds = 25;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<FencingToken> entryOrder = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        LockManager member = t % 2 == 0 ? manager() : peer();
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < rounds; i++) {
                    try (Lease lease = member.lock(resource).acquire(LockMode.EX)) {
                      if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                      }
                      entryOrder.add(lease.token());
                      inside.decrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get(PATIENCE.toSeconds() * 3, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(overlaps).hasValue(0);
    assertThat(entryOrder).hasSize(threads * rounds).isSorted().doesNotHaveDuplicates();
  }

  static Stream<Arguments> everyPairOfModes() {
    List<Arguments> pairs = new ArrayList<>();
    for (LockMode held : LockMode.values()) {
      for (LockMode asked : LockMode.values()) {
        pairs.add(Arguments.of(held, asked));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} held, {1} asked")
  @MethodSource("everyPairOfModes")
  void compatibilityMatrixDecidesConcurrentGrants(LockMode held, LockMode asked) throws Exception {
    assumeModes(held, asked);
    String resource = freshResource();
    try (Lease first = grant(manager(), resource, held)) {
      if (held.compatibleWith(asked)) {
        grant(peer(), resource, asked).release();
      } else {
        assertRefused(peer(), resource, asked);
      }
      assertThat(first.state()).isEqualTo(dev.quorate.lock.LeaseState.GRANTED);
    }
  }

  @Test
  void sharedModesAreHeldByManyMembersAtOnce() throws Exception {
    assumeModes(LockMode.PW);
    String resource = freshResource();
    List<Lease> readers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      readers.add(grant(i % 2 == 0 ? manager() : peer(), resource, LockMode.PR));
    }
    assertRefused(peer(), resource, LockMode.PW);
    readers.forEach(Lease::release);
    grant(peer(), resource, LockMode.PW).release();
  }

  @Test
  void incompatibleWaitersAreGrantedInArrivalOrder() throws Exception {
    String resource = freshResource();
    BlockingRecorder holderCallbacks = new BlockingRecorder();
    Lease holder = manager().lock(resource, holderCallbacks.options()).acquire(LockMode.EX);
    List<CompletableFuture<Lease>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // One member per waiter: the callback contract promises at least one call per waiting member.
      waiters.add(
          anotherPeerFor(CrossMember.BLOCKING_CALLBACKS, CrossMember.ARRIVAL_ORDER)
              .lock(resource)
              .acquireAsync(LockMode.EX));
      // The holder's callback proves the request is queued before the next one is made.
      holderCallbacks.awaitCount(i + 1);
    }
    holder.release();
    assertGrantedOneAtATimeInOrder(waiters);
  }

  @Test
  void waitersOfOneMemberAreGrantedOneAtATimeAfterACallback() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    BlockingRecorder holderCallbacks = new BlockingRecorder();
    Lease holder = manager().lock(resource, holderCallbacks.options()).acquire(LockMode.EX);
    List<CompletableFuture<Lease>> waiters = new ArrayList<>();
    waiters.add(contender.lock(resource).acquireAsync(LockMode.EX));
    holderCallbacks.awaitCount(1);
    // Queued after the first one arrived; a member may report them to the holder together with it.
    waiters.add(contender.lock(resource).acquireAsync(LockMode.EX));
    waiters.add(contender.lock(resource).acquireAsync(LockMode.EX));
    assertThat(holderCallbacks.seen()).isNotEmpty().containsOnly(LockMode.EX);
    assertThat(waiters).noneMatch(CompletableFuture::isDone);
    holder.release();
    Lease first = waiters.get(0).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(waiters.subList(1, 3)).noneMatch(CompletableFuture::isDone);
    FencingToken previous = first.token();
    first.release();
    List<CompletableFuture<Lease>> rest = new ArrayList<>(waiters.subList(1, 3));
    while (!rest.isEmpty()) {
      CompletableFuture<Object> any =
          CompletableFuture.anyOf(rest.toArray(CompletableFuture[]::new));
      Lease next = (Lease) any.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      rest.removeIf(waiter -> waiter.getNow(null) == next);
      assertThat(rest).as("one grant at a time").noneMatch(CompletableFuture::isDone);
      assertThat(next.token().isNewerThan(previous)).as("tokens rise").isTrue();
      previous = next.token();
      next.release();
    }
  }

  private static void assertGrantedOneAtATimeInOrder(List<CompletableFuture<Lease>> waiters)
      throws Exception {
    for (int i = 0; i < waiters.size(); i++) {
      Lease granted = waiters.get(i).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      for (int later = i + 1; later < waiters.size(); later++) {
        assertThat(waiters.get(later)).as("waiter %d after %d", later, i).isNotDone();
      }
      granted.release();
    }
  }

  @Test
  void newRequestDoesNotOvertakeAnIncompatibleWaiter() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS, CrossMember.ARRIVAL_ORDER);
    String resource = freshResource();
    BlockingRecorder readerCallbacks = new BlockingRecorder();
    Lease reader = manager().lock(resource, readerCallbacks.options()).acquire(LockMode.PR);
    CompletableFuture<Lease> writer = contender.lock(resource).acquireAsync(LockMode.EX);
    readerCallbacks.awaitCount(1);
    // PR is compatible with the granted PR, but the EX waiting ahead of it is not.
    assertRefused(manager(), resource, LockMode.PR);
    reader.release();
    writer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release();
  }

  @Test
  void requestCompatibleWithHoldersAndWaitersIsGrantedAtOnce() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    assumeModes(LockMode.PW);
    String resource = freshResource();
    BlockingRecorder writerCallbacks = new BlockingRecorder();
    Lease writer = manager().lock(resource, writerCallbacks.options()).acquire(LockMode.PW);
    CompletableFuture<Lease> reader = contender.lock(resource).acquireAsync(LockMode.PR);
    writerCallbacks.awaitCount(1);
    // CR is compatible with the granted PW and with the waiting PR.
    grant(contender, resource, LockMode.CR).release();
    assertThat(reader).isNotDone();
    writer.release();
    reader.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release();
  }

  @Test
  void nullModeIsGrantedBesideExclusive() throws Exception {
    String resource = freshResource();
    try (Lease exclusive = grant(manager(), resource, LockMode.EX);
        Lease nothing = grant(peer(), resource, LockMode.NL)) {
      assertThat(nothing.mode()).isEqualTo(LockMode.NL);
      assertThat(exclusive.state()).isEqualTo(dev.quorate.lock.LeaseState.GRANTED);
    }
  }

  @Test
  void tokensRiseWithGrantOrderAcrossMembers() throws Exception {
    String resource = freshResource();
    List<FencingToken> tokens = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try (Lease lease = grant(i % 2 == 0 ? manager() : peer(), resource, LockMode.EX)) {
        tokens.add(lease.token());
      }
    }
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void tokensAreUniqueAcrossResourcesAndSharedGrants() throws Exception {
    Set<FencingToken> tokens = new HashSet<>();
    List<Lease> held = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      String resource = freshResource();
      for (int i = 0; i < 4; i++) {
        Lease lease = grant(i % 2 == 0 ? manager() : peer(), resource, LockMode.PR);
        held.add(lease);
        assertThat(tokens.add(lease.token())).as("token %s is unique", lease.token()).isTrue();
      }
    }
    held.forEach(Lease::release);
  }

  @Test
  void leaseReportsWhatWasGranted() throws Exception {
    assumeModes(LockMode.PW);
    String resource = freshResource();
    try (Lease lease = grant(manager(), resource, LockMode.PW)) {
      assertThat(lease.resource()).isEqualTo(resource);
      assertThat(lease.mode()).isEqualTo(LockMode.PW);
      assertThat(lease.token()).isNotNull();
      assertThat(lease.state()).isEqualTo(dev.quorate.lock.LeaseState.GRANTED);
      lease.checkValid();
    }
  }

  @Test
  void releasedExclusiveLockIsImmediatelyAvailableToAnotherMember() throws Exception {
    String resource = freshResource();
    Lease first = grant(manager(), resource, LockMode.EX);
    first.release();
    Optional<Lease> second = peer().lock(resource).tryAcquire(LockMode.EX, PATIENCE);
    assertThat(second).isPresent();
    assertThat(second.get().token()).isGreaterThan(first.token());
    second.get().release();
  }
}
