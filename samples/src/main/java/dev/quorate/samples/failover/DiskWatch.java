package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Watches the shared storage for the demo: it reports the first write of each VM instance, its
 * clean shutdown, and the first write the disk rejects from a stale instance, and counts the rest.
 */
final class DiskWatch implements Consumer<SharedStorage.Write> {
  private record Key(String disk, FencingToken token) {}

  private final Timeline timeline;
  private final Map<Key, AtomicLong> rejected = new ConcurrentHashMap<>();
  private final Map<Key, Long> lastAccepted = new ConcurrentHashMap<>();

  DiskWatch(Timeline timeline) {
    this.timeline = timeline;
  }

  @Override
  public void accept(SharedStorage.Write write) {
    Key key = new Key(write.disk(), write.token());
    String source = write.disk();
    String token = write.token().toString();
    if (!write.accepted()) {
      long count = rejected.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      if (count == 1) {
        timeline.record(
            source,
            new AgentEvent(
                "stale",
                Map.of("token", token, "host", write.host(), "highest", write.highest().toString()),
                "disk REJECTED a write of the stale instance on "
                    + write.host()
                    + ": token "
                    + token
                    + " is older than "
                    + write.highest()
                    + " (TokenGuard)"));
      }
      return;
    }
    lastAccepted.put(key, write.atNanos());
    if (write.text().equals("boot") || write.text().equals("clean-shutdown")) {
      String what =
          write.text().equals("boot")
              ? "first write of the instance on " + write.host() + " (token " + token + ")"
              : "clean shutdown of the instance on " + write.host() + " (token " + token + ")";
      timeline.record(
          source, new AgentEvent(write.text(), Map.of("token", token, "host", write.host()), what));
    }
  }

  /** How many writes with {@code token} the disk rejected. */
  long rejected(String disk, FencingToken token) {
    AtomicLong count = rejected.get(new Key(disk, token));
    return count == null ? 0 : count.get();
  }

  /** When the disk last accepted a write with {@code token}. */
  OptionalLong lastAccepted(String disk, FencingToken token) {
    Long at = lastAccepted.get(new Key(disk, token));
    return at == null ? OptionalLong.empty() : OptionalLong.of(at);
  }
}
