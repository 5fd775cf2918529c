package dev.quorate.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/**
 * A member using Curator's InterProcessMutex, one instance per lock shared by the member's threads
 * (the recipe is thread-aware: each thread gets its own lock node).
 */
final class CuratorMember implements Member {
  private final CuratorFramework client;
  private final Map<String, InterProcessMutex> mutexes = new ConcurrentHashMap<>();

  CuratorMember(CuratorFramework client) {
    this.client = client;
  }

  @Override
  public Held acquire(String name) throws Exception {
    InterProcessMutex mutex =
        mutexes.computeIfAbsent(name, n -> new InterProcessMutex(client, "/curator/locks/" + n));
    if (!mutex.acquire(Scenarios.ACQUIRE_BOUND.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("Curator: " + name + " not granted");
    }
    return mutex::release;
  }

  @Override
  public void close() {
    client.close();
  }
}
