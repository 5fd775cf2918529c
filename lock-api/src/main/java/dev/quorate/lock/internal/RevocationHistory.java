package dev.quorate.lock.internal;

import dev.quorate.lock.Revocation;
import dev.quorate.lock.spi.Revocations;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process manager's memory of revocations: the last {@link Revocations#KEPT} per resource.
 */
final class RevocationHistory {
  private final Map<String, Deque<Revocation>> byResource = new ConcurrentHashMap<>();

  /**
   * Records {@code revocation}, dropping the oldest of its resource beyond {@link
   * Revocations#KEPT}.
   */
  void record(Revocation revocation) {
    Deque<Revocation> kept =
        byResource.computeIfAbsent(revocation.resource(), r -> new ArrayDeque<>());
    synchronized (kept) {
      kept.addLast(revocation);
      while (kept.size() > Revocations.KEPT) {
        kept.removeFirst();
      }
    }
  }

  /** The revocations of {@code resource}, oldest first. */
  List<Revocation> of(String resource) {
    Deque<Revocation> kept = byResource.get(resource);
    if (kept == null) {
      return List.of();
    }
    synchronized (kept) {
      return List.copyOf(kept);
    }
  }
}
