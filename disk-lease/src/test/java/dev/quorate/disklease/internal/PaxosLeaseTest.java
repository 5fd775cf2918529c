package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(120)
class PaxosLeaseTest {
  private static final SlotPolicy.Liveness ALL_LIVE = h -> false;

  @TempDir Path dir;
  private final List<LeaseDisks> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(LeaseDisks::close);
  }

  private LeaseDisks open(AreaFiles files) throws Exception {
    LeaseDisks d = files.open();
    opened.add(d);
    return d;
  }

  private PaxosLease host(AreaFiles files, int id) throws Exception {
    return new PaxosLease(open(files), files.area, id);
  }

  @Test
  void eachGrantAndReleaseIsANewLeaseVersion() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    PaxosLease a = host(files, 1);
    Holder me = new Holder(1, 1);
    LeaseValue held = a.acquire(7, me, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();
    assertThat(held.lver()).isEqualTo(1);
    assertThat(held.holders()).containsExactly(me);
    assertThat(a.acquire(7, me, SlotMode.FREE, ALL_LIVE).orElseThrow().mode())
        .isEqualTo(SlotMode.FREE);
    assertThat(a.acquire(7, me, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow().lver()).isEqualTo(3);
    assertThat(host(files, 2).readLeader(7).holders()).containsExactly(me);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 5})
  void contendingHostsNeverOverlapAndTokensRiseInGrantOrder(int diskCount) throws Exception {
    AreaFiles files = new AreaFiles(dir, diskCount, AreaFiles.FAST);
    AtomicInteger inside = new AtomicInteger();
    List<Long> grants = new ArrayList<>();
    List<CompletableFuture<Void>> hosts = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      PaxosLease lease = host(files, id);
      Holder me = new Holder(id, 1);
      hosts.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < 5; i++) {
                    Optional<LeaseValue> got = Optional.empty();
                    while (got.isEmpty()) {
                      got = lease.acquire(0, me, SlotMode.EXCLUSIVE, ALL_LIVE);
                    }
                    assertThat(inside.incrementAndGet()).as("holders at once").isEqualTo(1);
                    synchronized (grants) {
                      grants.add(got.get().lver());
                    }
                    inside.decrementAndGet();
                    lease.acquire(0, me, SlotMode.FREE, ALL_LIVE).orElseThrow();
                  }
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              },
              runnable -> new Thread(runnable).start()));
    }
    CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
    assertThat(grants).hasSize(15).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aLiveOwnersLeaseIsNotTakenOverAndADeadOnesIs() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    DeltaLease ownerId = new DeltaLease(open(files), files.area, new FakeClock(), 1, "node-a");
    ownerId.acquire();
    Holder owner = new Holder(1, ownerId.generation());
    LeaseValue held = host(files, 1).acquire(3, owner, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();

    FakeClock clockB = new FakeClock();
    HostWatch watchB = new HostWatch(open(files), files.area, clockB);
    PaxosLease b = host(files, 2);
    Holder taker = new Holder(2, 1);
    Duration expiry = files.area.timing().hostExpiry();
    assertThat(b.acquire(3, taker, SlotMode.EXCLUSIVE, watchB::isDead)).isEmpty();
    clockB.advance(expiry.minusMillis(1));
    assertThat(ownerId.renew()).isTrue();
    assertThat(b.acquire(3, taker, SlotMode.EXCLUSIVE, watchB::isDead))
        .as("the owner renewed: its lease stays")
        .isEmpty();
    clockB.advance(expiry);
    LeaseValue taken = b.acquire(3, taker, SlotMode.EXCLUSIVE, watchB::isDead).orElseThrow();
    assertThat(taken.holders()).containsExactly(taker);
    assertThat(taken.lver()).isGreaterThan(held.lver());
  }

  @Test
  void sharedHoldersCoexistAndKeepAnExclusiveRequestWaiting() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    PaxosLease a = host(files, 1);
    PaxosLease b = host(files, 2);
    PaxosLease c = host(files, 3);
    Holder ha = new Holder(1, 1);
    Holder hb = new Holder(2, 1);
    Holder hc = new Holder(3, 1);
    a.acquire(0, ha, SlotMode.SHARED, ALL_LIVE).orElseThrow();
    LeaseValue both = b.acquire(0, hb, SlotMode.SHARED, ALL_LIVE).orElseThrow();
    assertThat(both.holders()).containsExactly(ha, hb);
    assertThat(c.acquire(0, hc, SlotMode.EXCLUSIVE, ALL_LIVE)).isEmpty();
    a.acquire(0, ha, SlotMode.FREE, ALL_LIVE).orElseThrow();
    assertThat(c.acquire(0, hc, SlotMode.EXCLUSIVE, ALL_LIVE)).isEmpty();
    b.acquire(0, hb, SlotMode.FREE, ALL_LIVE).orElseThrow();
    assertThat(c.acquire(0, hc, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow().holders())
        .containsExactly(hc);
    assertThat(a.acquire(0, ha, SlotMode.SHARED, ALL_LIVE)).isEmpty();
  }

  @Test
  void aDecidedButUncommittedValueIsAdoptedByTheNextProposer() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    PaxosLease a = host(files, 1);
    Holder ha = new Holder(1, 1);
    LeaseValue wanted = new LeaseValue(1, SlotMode.EXCLUSIVE, List.of(ha));
    // host 1 decides instance 1 and dies before writing the leader
    assertThat(a.propose(5, wanted)).contains(wanted);
    PaxosLease b = host(files, 2);
    assertThat(b.acquire(5, new Holder(2, 1), SlotMode.EXCLUSIVE, ALL_LIVE))
        .as("host 2 learns host 1's decision instead of overriding it")
        .isEmpty();
    assertThat(b.readLeader(5)).isEqualTo(wanted);
  }
}
