package dev.quorate.lock.spi;

import dev.quorate.lock.Leader;
import dev.quorate.lock.LeaderObserver;
import dev.quorate.lock.QuorateException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers of one election object. Every possible change leads to one read of the seat; reads
 * and deliveries run one at a time, and each observer hears a read's result only if it differs from
 * what it heard last and is not an older leader than one it heard (a read can lag a watch).
 */
final class LeaderObservers {
  private static final Logger log = LoggerFactory.getLogger(LeaderObservers.class);

  private final LeaderSeat seat;
  private final SerialExecutor reads;
  private final Map<LeaderObserver, Heard> observers = new ConcurrentHashMap<>();
  private final Runnable changed = this::refresh;

  /** What one observer heard: its last leader and the highest epoch. */
  private static final class Heard {
    private Optional<Leader> last;
    private Leader newest;

    boolean take(Optional<Leader> now) {
      if (now.equals(last)) {
        return false;
      }
      if (now.isPresent() && newest != null && !now.get().epoch().isNewerThan(newest.epoch())) {
        return false;
      }
      last = now;
      if (now.isPresent()) {
        newest = now.get();
      }
      return true;
    }
  }

  LeaderObservers(LeaderSeat seat, Executor executor) {
    this.seat = seat;
    this.reads = new SerialExecutor(executor);
  }

  void add(LeaderObserver observer) {
    Objects.requireNonNull(observer, "observer");
    if (observers.putIfAbsent(observer, new Heard()) == null && observers.size() == 1) {
      seat.watch(changed);
    }
    refresh();
  }

  void remove(LeaderObserver observer) {
    if (observers.remove(observer) != null && observers.isEmpty()) {
      seat.unwatch(changed);
    }
  }

  private void refresh() {
    reads.execute(this::readAndTell);
  }

  private void readAndTell() {
    if (observers.isEmpty()) {
      return;
    }
    Optional<Leader> now;
    try {
      now = seat.read();
    } catch (QuorateException e) {
      // The seat tells again when its connection is back.
      log.debug("could not read the leader; waiting for the connection", e);
      return;
    }
    observers.forEach(
        (observer, heard) -> {
          if (heard.take(now)) {
            observer.onLeader(now);
          }
        });
  }
}
