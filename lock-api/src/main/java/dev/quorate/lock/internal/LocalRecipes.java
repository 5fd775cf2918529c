package dev.quorate.lock.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Election;
import dev.quorate.lock.Leader;
import dev.quorate.lock.Semaphore;
import dev.quorate.lock.spi.HeldPermit;
import dev.quorate.lock.spi.LeaderSeat;
import dev.quorate.lock.spi.PermitElection;
import dev.quorate.lock.spi.PermitQueue;
import dev.quorate.lock.spi.QueuedSemaphore;
import dev.quorate.lock.spi.ResourceNames;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The semaphores and elections of the in-process manager: one {@link LocalSemaphore} per name, an
 * election being a one-permit semaphore whose holders carry the candidate's name.
 */
final class LocalRecipes {
  private final Map<String, LocalSemaphore> semaphores = new ConcurrentHashMap<>();
  private final Map<String, LocalSemaphore> seats = new ConcurrentHashMap<>();
  private final Executor events;

  LocalRecipes(Executor events) {
    this.events = events;
  }

  Semaphore semaphore(String name, int permits) {
    ResourceNames.check(name);
    if (permits < 1) {
      throw new IllegalArgumentException(
          "semaphore '" + name + "' needs at least 1 permit, got " + permits);
    }
    LocalSemaphore semaphore =
        semaphores.computeIfAbsent(name, n -> new LocalSemaphore(n, permits, events));
    if (semaphore.permits() != permits) {
      throw new ConfigurationException(
          "semaphore '"
              + name
              + "' has "
              + semaphore.permits()
              + " permits in this lock space, asked for "
              + permits);
    }
    return new QueuedSemaphore(semaphore);
  }

  Election election(String name) {
    ResourceNames.check(name);
    LocalSemaphore seat = seats.computeIfAbsent(name, n -> new LocalSemaphore(n, 1, events));
    return new PermitElection(name, new Seat(seat), events);
  }

  void close() {
    semaphores.values().forEach(LocalSemaphore::close);
    seats.values().forEach(LocalSemaphore::close);
  }

  /** The seat of an in-process election: the first holder of a one-permit semaphore. */
  private record Seat(LocalSemaphore semaphore) implements LeaderSeat {
    @Override
    public PermitQueue queue() {
      return semaphore;
    }

    @Override
    public Optional<Leader> read() {
      return semaphore.holders().stream().findFirst().map(HeldPermit::asLeader);
    }

    @Override
    public void watch(Runnable changed) {
      semaphore.watch(changed);
    }

    @Override
    public void unwatch(Runnable changed) {
      semaphore.unwatch(changed);
    }
  }
}
