package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** All-or-nothing multi-lock ({@link ZkLockManager#acquireAll}) on a real ZooKeeper server. */
@Timeout(120)
class MultiLockIT {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static TestingServer server;
  private final List<ZkLockManager> managers = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterAll
  static void stopServer() throws java.io.IOException {
    server.close();
  }

  @AfterEach
  void closeManagers() {
    managers.forEach(ZkLockManager::close);
  }

  private ZkLockManager member(boolean cohorting) throws InterruptedException {
    ZkLockManager manager =
        ZkLockManager.builder()
            .connectString(server.getConnectString())
            .sessionTimeout(Duration.ofSeconds(10))
            .cohorting(cohorting)
            .build();
    managers.add(manager);
    return manager;
  }

  @Test
  void grantsEveryResourceFromOneTransaction() throws Exception {
    ZkLockManager member = member(false);
    ZkLockManager other = member(false);
    List<String> names = List.of("all-a", "all-b", "all-c");
    List<Lease> leases = member.acquireAll(names, LockMode.EX, PATIENCE);
    assertThat(leases).extracting(Lease::resource).containsExactlyElementsOf(names);
    assertThat(leases).extracting(Lease::state).containsOnly(LeaseState.GRANTED);
    // One multi(): every node has the transaction's zxid, so every token has the same major.
    assertThat(leases)
        .extracting(lease -> lease.token().major())
        .containsOnly(leases.get(0).token().major());
    for (String name : names) {
      assertThat(other.lock(name).tryAcquire(LockMode.EX, Duration.ZERO)).isEmpty();
    }
    leases.forEach(Lease::release);
    for (String name : names) {
      other.lock(name).tryAcquire(LockMode.EX, PATIENCE).orElseThrow().release();
    }
  }

  @Test
  void keepsNothingWhenOneResourceStaysHeld() throws Exception {
    ZkLockManager member = member(false);
    ZkLockManager holder = member(false);
    ZkLockManager observer = member(false);
    Lease held = holder.lock("none-b").acquire(LockMode.EX);
    assertThatThrownBy(
            () ->
                member.acquireAll(List.of("none-a", "none-b"), LockMode.EX, Duration.ofMillis(300)))
        .isInstanceOf(LockTimeoutException.class);
    // The request on the free resource was withdrawn with the rest: nothing partial stays behind.
    observer.lock("none-a").tryAcquire(LockMode.EX, PATIENCE).orElseThrow().release();
    assertThat(held.state()).isEqualTo(LeaseState.GRANTED);
    held.release();
    member.acquireAll(List.of("none-a", "none-b"), LockMode.EX, PATIENCE).forEach(Lease::release);
  }

  @Test
  void waitsForAllThenReturnsThemTogether() throws Exception {
    ZkLockManager member = member(false);
    ZkLockManager holder = member(false);
    List<LockMode> blocked = new CopyOnWriteArrayList<>();
    Lease held =
        holder
            .lock("wait-b", LockOptions.builder().onBlocking((l, m) -> blocked.add(m)).build())
            .acquire(LockMode.PR);
    CompletableFuture<List<Lease>> all =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return member.acquireAll(List.of("wait-a", "wait-b"), LockMode.EX, PATIENCE);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Awaitility.await().atMost(PATIENCE).until(() -> !blocked.isEmpty());
    assertThat(blocked).containsOnly(LockMode.EX);
    assertThat(all).isNotDone();
    held.release();
    List<Lease> leases = all.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(leases).extracting(Lease::state).containsOnly(LeaseState.GRANTED);
    assertThat(leases.get(1).token().isNewerThan(held.token())).isTrue();
    leases.forEach(Lease::release);
  }

  @Test
  void overlappingSetsInOppositeOrdersNeverDeadlockNorOverlap() throws Exception {
    List<List<String>> orders =
        List.of(List.of("x", "y", "z"), List.of("z", "y", "x"), List.of("y", "x"));
    Map<String, AtomicInteger> inside = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    for (List<String> order : orders) {
      ZkLockManager member = member(false);
      workers.add(
          CompletableFuture.runAsync(
              () -> {
                for (int round = 0; round < 15; round++) {
                  List<Lease> leases;
                  try {
                    leases = member.acquireAll(order, LockMode.EX, PATIENCE);
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  for (String name : order) {
                    if (inside.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet()
                        != 1) {
                      overlaps.incrementAndGet();
                    }
                  }
                  order.forEach(name -> inside.get(name).decrementAndGet());
                  leases.forEach(Lease::release);
                }
              }));
    }
    CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new))
        .get(PATIENCE.toSeconds() * 3, TimeUnit.SECONDS);
    assertThat(overlaps).hasValue(0);
  }

  @Test
  void takesACachedGrantAwayFromACohortingMember() throws Exception {
    ZkLockManager cacher = member(true);
    ZkLockManager member = member(false);
    cacher.lock("cached-a").acquire(LockMode.EX).release(); // the member keeps the node
    List<Lease> leases = member.acquireAll(List.of("cached-a", "cached-b"), LockMode.EX, PATIENCE);
    assertThat(cacher.lock("cached-a").tryAcquire(LockMode.EX, Duration.ofMillis(300))).isEmpty();
    leases.forEach(Lease::release);
    cacher.lock("cached-a").tryAcquire(LockMode.EX, PATIENCE).orElseThrow().release();
  }

  @Test
  void refusesAnEmptyOrRepeatingList() throws Exception {
    ZkLockManager member = member(false);
    assertThatThrownBy(() -> member.acquireAll(List.of(), LockMode.EX, PATIENCE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> member.acquireAll(List.of("r", "r"), LockMode.EX, PATIENCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'r'");
  }
}
