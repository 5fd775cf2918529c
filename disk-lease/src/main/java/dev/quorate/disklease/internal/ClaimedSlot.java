package dev.quorate.disklease.internal;

import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One resource slot as this host holds and needs it: the claims that need it, the claims deferred
 * behind another host's earlier request, the mode and lease version it is held at, and the mode the
 * worker is moving it to. Decides which claims the held slot covers and what the disks must be
 * asked for; {@link SlotClaims} runs the disk work and completes the claims. Guarded by the {@link
 * SlotClaims} monitor.
 */
final class ClaimedSlot {
  /** What a new claim gets: covered now, covered but behind another host, or a disk request. */
  enum Admission {
    GRANTED,
    DEFERRED,
    ASK_DISKS
  }

  /**
   * What a read of the other hosts' requests changed.
   *
   * @param granted deferred claims that the held slot now covers
   * @param askDisks whether a deferred claim that went ahead needs the disks (the slot changed)
   */
  record Released(List<SlotClaims.Claim> granted, boolean askDisks) {}

  private final List<SlotClaims.Claim> claims = new ArrayList<>();
  // New claims that the held slot covers but that must wait: an earlier request of another host
  // conflicts with them. They count for nothing until the slot is given up or the request goes.
  private final List<SlotClaims.Claim> deferred = new ArrayList<>();
  private List<SlotRequest> ahead = List.of(); // other hosts' conflicting requests, as last read
  private SlotMode held = SlotMode.FREE;
  private SlotMode moving; // the mode the worker is moving the slot to, null when idle
  private long lver;
  private boolean scheduled;

  SlotMode held() {
    return held;
  }

  /** The lease version the slot is held at: the token of the claims it covers. */
  long lver() {
    return lver;
  }

  /**
   * Adds a claim. A new request ({@code queued}) that the held slot covers is deferred while
   * another host's earlier request conflicts with it; a conversion of a granted lease is not.
   */
  Admission admit(SlotClaims.Claim c, boolean queued) {
    if (!covers(c.mode())) {
      claims.add(c);
      return Admission.ASK_DISKS;
    }
    if (queued && ahead.stream().anyMatch(r -> r.conflictsWith(c.mode()))) {
      deferred.add(c);
      return Admission.DEFERRED;
    }
    claims.add(c);
    return Admission.GRANTED;
  }

  /** Removes a claim that was closed; false if it was not here. */
  boolean remove(SlotClaims.Claim c) {
    return claims.remove(c) || deferred.remove(c);
  }

  /**
   * The conflicting requests of other live hosts that wait for the held slot, as just read: new
   * claims wait behind them, and the deferred claims that none is ahead of any more go ahead.
   */
  Released waiting(List<SlotRequest> now) {
    ahead = List.copyOf(now);
    List<SlotClaims.Claim> granted = new ArrayList<>();
    boolean askDisks = false;
    for (SlotClaims.Claim c : List.copyOf(deferred)) {
      if (now.stream().noneMatch(r -> r.conflictsWith(c.mode()))) {
        deferred.remove(c);
        claims.add(c);
        if (covers(c.mode())) {
          granted.add(c); // as it would have been when made
        } else {
          askDisks = true; // the slot was changed meanwhile: the disks decide
        }
      }
    }
    return new Released(granted, askDisks);
  }

  /** Marks the slot as due for a worker step; false if one is due already. */
  boolean schedule() {
    if (scheduled) {
      return false;
    }
    scheduled = true;
    return true;
  }

  /**
   * Starts a worker step: the mode the claims need, which the worker moves the slot to, or empty if
   * the slot is already held in it.
   */
  Optional<SlotMode> startMove() {
    scheduled = false;
    if (held == SlotMode.FREE && moving == null) {
      // Given up: the deferred claims now ask the disks, behind the earlier requests.
      claims.addAll(deferred);
      deferred.clear();
      ahead = List.of();
    }
    SlotMode target = SlotMode.FREE;
    for (SlotClaims.Claim c : claims) {
      target =
          c.mode() == SlotMode.EXCLUSIVE || target == SlotMode.EXCLUSIVE
              ? SlotMode.EXCLUSIVE
              : c.mode();
    }
    if (target == held) {
      return Optional.empty();
    }
    moving = target;
    return Optional.of(target);
  }

  /** The claims a move asked the disks for, whom it answers. */
  List<SlotClaims.Claim> claims() {
    return List.copyOf(claims);
  }

  /**
   * Ends a worker step's move to {@code target}: the disks granted it ({@code result}) or not.
   *
   * @return the claims the slot now covers
   */
  List<SlotClaims.Claim> moved(SlotMode target, Optional<LeaseValue> result) {
    moving = null;
    List<SlotClaims.Claim> granted = new ArrayList<>();
    if (result.isPresent()) {
      held = target;
      lver = result.get().lver();
      for (SlotClaims.Claim c : claims) {
        if (covers(held, c.mode())) {
          granted.add(c);
        }
      }
    }
    return granted;
  }

  /** Whether the slot is free and no claim needs it: it can be forgotten. */
  boolean unused() {
    return claims.isEmpty() && deferred.isEmpty() && held == SlotMode.FREE;
  }

  /**
   * Every claim, for failing them: the disks are no longer this host's, the slot counts as free.
   */
  List<SlotClaims.Claim> giveUp() {
    List<SlotClaims.Claim> all = new ArrayList<>(claims);
    all.addAll(deferred);
    held = SlotMode.FREE;
    return all;
  }

  /** While the worker gives the slot up (or down), a grant under the old mode would outlive it. */
  private boolean covers(SlotMode mode) {
    return covers(held, mode) && (moving == null || covers(moving, mode));
  }

  private static boolean covers(SlotMode held, SlotMode wanted) {
    return held == SlotMode.EXCLUSIVE || held == wanted || wanted == SlotMode.FREE;
  }
}
