package dev.quorate.quorum.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.spi.LosableLease;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A holder whose quorum ended is lost, not released: the quorum gate gives its inner lease up with
 * {@link LosableLease#abandon}, so a lock manager that keeps a recovery gate's record keeps it.
 */
@Timeout(30)
class GatedLockManagerRevocationTest {
  private final List<String> calls = new CopyOnWriteArrayList<>();

  @Test
  void revocationAbandonsTheInnerLeaseInsteadOfReleasingIt() throws Exception {
    Topology three =
        Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-2").member(3, 1, "hv-3").build();
    try (QuorumService quorum =
            QuorumService.builder(QuorumPolicy.builder(three).build(), MemberId.of(1)).build();
        LockManager manager = new GatedLockManager(recording(LockManager.inProcess()), quorum)) {
      quorum.update(Set.of(MemberId.of(1), MemberId.of(2)));
      Lease lease = manager.lock("vm/1").acquire(LockMode.EX);

      quorum.update(Set.of(MemberId.of(1)));

      await().atMost(Duration.ofSeconds(10)).until(() -> lease.state() == LeaseState.LOST);
      await().atMost(Duration.ofSeconds(10)).until(() -> !calls.isEmpty());
      assertThat(calls).containsExactly("abandon");
    }
  }

  @Test
  void theHoldersOwnReleaseStaysARelease() throws Exception {
    Topology three =
        Topology.builder().member(1, 1, "hv-1").member(2, 1, "hv-2").member(3, 1, "hv-3").build();
    try (QuorumService quorum =
            QuorumService.builder(QuorumPolicy.builder(three).build(), MemberId.of(1)).build();
        LockManager manager = new GatedLockManager(recording(LockManager.inProcess()), quorum)) {
      quorum.update(Set.of(MemberId.of(1), MemberId.of(2)));
      manager.lock("vm/1").acquire(LockMode.EX).release();
      assertThat(calls).containsExactly("release");
    }
  }

  /** A manager whose leases are {@link LosableLease}s that note how they end. */
  private LockManager recording(LockManager inner) {
    return proxy(
        LockManager.class,
        (proxy, method, args) -> {
          Object result = invoke(inner, method, args);
          return result instanceof Lock lock ? recording(lock) : result;
        });
  }

  private Lock recording(Lock inner) {
    return proxy(
        Lock.class,
        (proxy, method, args) -> {
          Object result = invoke(inner, method, args);
          if (result instanceof CompletableFuture<?> future) {
            return future.thenApply(granted -> recording((Lease) granted));
          }
          return result instanceof Lease lease ? recording(lease) : result;
        });
  }

  private Lease recording(Lease inner) {
    return proxy(
        LosableLease.class,
        (proxy, method, args) ->
            switch (method.getName()) {
              case "abandon" -> {
                calls.add("abandon");
                inner.release();
                yield null;
              }
              case "release", "close" -> {
                calls.add("release");
                yield invoke(inner, method, args);
              }
              case "equals" -> proxy == args[0];
              case "hashCode" -> System.identityHashCode(proxy);
              default -> invoke(inner, method, args);
            });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return (T)
        Proxy.newProxyInstance(
            GatedLockManagerRevocationTest.class.getClassLoader(), new Class<?>[] {type}, handler);
  }
}
