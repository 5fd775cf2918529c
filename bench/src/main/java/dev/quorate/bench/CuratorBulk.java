package dev.quorate.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/**
 * Curator's member for the scale workloads. {@code InterProcessMutex} has no asynchronous acquire
 * and must be released by the thread that acquired it, so each request is a thread of its own that
 * blocks in {@code acquire} and, once granted, waits to release: what an application on Curator
 * needs to wait for many locks at once.
 */
final class CuratorBulk implements BulkMember {
  /** Small stacks: a thousand waiting threads need not reserve a thousand megabytes. */
  private static final long WAITER_STACK = 256 * 1024;

  private final CuratorFramework client;
  private final List<InterProcessMutex> held = new CopyOnWriteArrayList<>();
  private final CountDownLatch releaseWaiters = new CountDownLatch(1);
  private final List<Thread> waiters = new CopyOnWriteArrayList<>();

  private CuratorBulk(CuratorFramework client) {
    this.client = client;
  }

  static BulkMember.Library library() {
    return new BulkMember.Library() {
      @Override
      public String name() {
        return "Curator";
      }

      @Override
      public String container(String name) {
        return "/curator/locks/" + name;
      }

      @Override
      public BulkMember newMember(BenchCluster cluster, String connectString, Duration session)
          throws InterruptedException {
        CuratorFramework client = cluster.newClient(connectString, session);
        client.start();
        client.blockUntilConnected();
        return new CuratorBulk(client);
      }
    };
  }

  private InterProcessMutex acquired(String name, Duration bound) throws Exception {
    InterProcessMutex mutex = new InterProcessMutex(client, "/curator/locks/" + name);
    if (!mutex.acquire(bound.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("Curator: " + name + " not granted");
    }
    return mutex;
  }

  /** Held by the calling thread: call {@link #releaseAll()} from the same thread. */
  @Override
  public void hold(String name) throws Exception {
    held.add(acquired(name, Scenarios.ACQUIRE_BOUND));
  }

  @Override
  public CompletableFuture<Void> request(String name, Duration bound) {
    CompletableFuture<Void> granted = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            null,
            () -> {
              InterProcessMutex mutex;
              try {
                mutex = acquired(name, bound);
              } catch (Exception e) {
                granted.completeExceptionally(e);
                return;
              }
              granted.complete(null);
              try {
                releaseWaiters.await();
                mutex.release();
              } catch (Exception e) {
                // the session is closed right after: the node goes with it
              }
            },
            "curator-waiter-" + name,
            WAITER_STACK);
    waiter.setDaemon(true);
    waiters.add(waiter);
    waiter.start();
    return granted;
  }

  @Override
  public void releaseAll() throws Exception {
    for (InterProcessMutex mutex : held) {
      mutex.release();
    }
    held.clear();
    releaseWaiters.countDown();
    for (Thread waiter : waiters) {
      waiter.join(Scenarios.ACQUIRE_BOUND.toMillis());
    }
    waiters.clear();
  }

  @Override
  public CuratorFramework client() {
    return client;
  }

  @Override
  public void close() {
    releaseWaiters.countDown();
    // A waiter still blocked in acquire would otherwise wait out its bound after the session ends.
    waiters.forEach(Thread::interrupt);
    client.close();
  }
}
