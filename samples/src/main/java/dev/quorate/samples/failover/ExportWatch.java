package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Watches the NBD server's token guards for the demo: it reports each export's move to a newer
 * token (an open, or a standby's first write) and the first request the server refuses from a stale
 * token, and counts the rest. It decides nothing: every call goes to the export's real guard, and
 * its answer or exception is passed on unchanged.
 */
final class ExportWatch {
  private record Key(String vm, FencingToken token) {}

  private final Timeline timeline;
  private final Map<String, FencingToken> newest = new ConcurrentHashMap<>();
  private final Map<Key, AtomicLong> refused = new ConcurrentHashMap<>();
  private final Map<Key, Long> lastAccepted = new ConcurrentHashMap<>();

  ExportWatch(Timeline timeline) {
    this.timeline = timeline;
  }

  /** Wraps the guard of {@code vm}'s export. */
  TokenGuard watch(String vm, TokenGuard guard) {
    return new TokenGuard() {
      @Override
      public void admit(FencingToken token) {
        try {
          guard.admit(token);
        } catch (StaleTokenException e) {
          refused(vm, token, e.highest(), "an open");
          throw e;
        }
        moved(vm, token, "opened with");
      }

      @Override
      public void access(FencingToken token, Runnable action) {
        access(
            token,
            () -> {
              action.run();
              return null;
            });
      }

      @Override
      public <T> T access(FencingToken token, Supplier<T> action) {
        T result;
        try {
          result = guard.access(token, action);
        } catch (StaleTokenException e) {
          refused(vm, token, e.highest(), "a request");
          throw e;
        }
        lastAccepted.put(new Key(vm, token), System.nanoTime());
        // Only a standby's first write reaches here with a token the guard had not admitted.
        moved(vm, token, "taken over, at the standby's first write, by");
        return result;
      }

      @Override
      public Optional<FencingToken> highest() {
        return guard.highest();
      }
    };
  }

  private void moved(String vm, FencingToken token, String how) {
    FencingToken[] before = new FencingToken[1];
    boolean[] newer = new boolean[1];
    newest.compute(
        vm,
        (k, old) -> {
          before[0] = old;
          newer[0] = old == null || token.isNewerThan(old);
          return newer[0] ? token : old;
        });
    if (newer[0]) {
      timeline.record(
          "nbd",
          new AgentEvent(
              "export-token",
              Map.of("vm", vm, "token", token.toString()),
              "export "
                  + vm
                  + " "
                  + how
                  + " token "
                  + token
                  + (before[0] == null
                      ? ""
                      : "; every connection with " + before[0] + " is revoked")));
    }
  }

  private void refused(String vm, FencingToken token, FencingToken highest, String what) {
    if (refused.computeIfAbsent(new Key(vm, token), k -> new AtomicLong()).incrementAndGet() == 1) {
      timeline.record(
          "nbd",
          new AgentEvent(
              "refused",
              Map.of("vm", vm, "token", token.toString()),
              "export "
                  + vm
                  + " REFUSED "
                  + what
                  + " with stale token "
                  + token
                  + " (EPERM; it accepted "
                  + highest
                  + ")"));
    }
  }

  /** How many requests of {@code token} the server refused on {@code vm}'s export. */
  long refused(String vm, FencingToken token) {
    AtomicLong n = refused.get(new Key(vm, token));
    return n == null ? 0 : n.get();
  }

  /** When the server last served a request of {@code token} on {@code vm}'s export. */
  OptionalLong lastAccepted(String vm, FencingToken token) {
    Long at = lastAccepted.get(new Key(vm, token));
    return at == null ? OptionalLong.empty() : OptionalLong.of(at);
  }
}
