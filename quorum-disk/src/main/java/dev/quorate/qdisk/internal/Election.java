package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The master election, as in qdiskd: the lowest-id eligible node that is UP bids; it becomes master
 * once every UP peer has written at least twice since the bid (so each has read it) and votes for
 * it, with no peer bidding or mastering. Every new master takes a term above every term seen. A
 * node stays in INIT for tko heartbeats first, so it knows who is alive before it bids.
 */
final class Election {
  /** What one decision changed. */
  enum Change {
    NONE,
    BECAME_MASTER,
    ABDICATED
  }

  private final int self;
  private SlotState state = SlotState.INIT;
  private int vote;
  private long term;
  private int initTicks;
  private int bidTicks;
  private final Map<Integer, Long> bidBaseline = new HashMap<>();

  Election(int self) {
    this.self = self;
  }

  SlotState state() {
    return state;
  }

  int vote() {
    return vote;
  }

  long term() {
    return term;
  }

  /** Forgets the master role without deciding anything else (clean stop, lost tenure). */
  void stepDown() {
    state = SlotState.RUN;
    vote = 0;
  }

  /** Returns the UP peer that claims the master role, the highest term first. */
  static Optional<HeartbeatSlot> masterAmong(Collection<PeerTracker> peers) {
    return peers.stream()
        .filter(PeerTracker::isUp)
        .flatMap(p -> p.last().stream())
        .filter(s -> s.state() == SlotState.MASTER)
        .max(
            (a, b) ->
                a.term() != b.term()
                    ? Long.compare(a.term(), b.term())
                    : Integer.compare(b.nodeId(), a.nodeId()));
  }

  Change decide(boolean eligible, boolean renewedInTime, Collection<PeerTracker> peers, int tko) {
    long maxTerm = term;
    for (PeerTracker p : peers) {
      maxTerm = Math.max(maxTerm, p.last().map(HeartbeatSlot::term).orElse(0L));
    }
    Optional<HeartbeatSlot> master = masterAmong(peers);
    if (state == SlotState.INIT) {
      if (++initTicks >= tko) {
        state = SlotState.RUN;
      }
      vote = master.map(HeartbeatSlot::nodeId).orElse(0);
      return Change.NONE;
    }
    if (state == SlotState.MASTER) {
      boolean outranked =
          master.isPresent()
              && (master.get().term() > term
                  || (master.get().term() == term && master.get().nodeId() < self));
      if (!eligible || !renewedInTime || outranked) {
        stepDown();
        return Change.ABDICATED;
      }
      return Change.NONE;
    }
    if (master.isPresent()) {
      state = SlotState.RUN;
      vote = master.get().nodeId();
      term = Math.max(term, master.get().term());
      return Change.NONE;
    }
    int lowest = Integer.MAX_VALUE;
    for (PeerTracker p : peers) {
      if (p.isUp() && p.last().map(HeartbeatSlot::eligible).orElse(false)) {
        lowest = Math.min(lowest, p.nodeId);
      }
    }
    if (eligible && self < lowest) {
      lowest = self;
    }
    vote = lowest == Integer.MAX_VALUE ? 0 : lowest;
    if (lowest != self || !renewedInTime) {
      state = SlotState.RUN;
      return Change.NONE;
    }
    if (state != SlotState.BID) {
      state = SlotState.BID;
      bidTicks = 0;
      bidBaseline.clear();
      peers.forEach(p -> p.last().ifPresent(s -> bidBaseline.put(p.nodeId, s.sequence())));
      return Change.NONE;
    }
    bidTicks++;
    boolean unopposed = bidTicks >= 2;
    for (PeerTracker p : peers) {
      if (!p.isUp()) {
        continue;
      }
      HeartbeatSlot s = p.last().orElseThrow();
      long base = bidBaseline.computeIfAbsent(p.nodeId, k -> s.sequence());
      boolean answered = s.sequence() >= base + 2 && s.vote() == self;
      boolean rival = s.state() == SlotState.BID || s.state() == SlotState.MASTER;
      if (!answered || rival) {
        unopposed = false;
      }
    }
    if (unopposed) {
      state = SlotState.MASTER;
      term = maxTerm + 1;
      return Change.BECAME_MASTER;
    }
    return Change.NONE;
  }
}
