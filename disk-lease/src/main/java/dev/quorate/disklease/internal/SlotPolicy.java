package dev.quorate.disklease.internal;

import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a host may propose for a resource slot, as a pure function of the slot's committed value and
 * of which holders are surely gone: an exclusive grant only when every other holder's delta lease
 * expired, a shared grant unless a live host holds the slot exclusively, and a release that removes
 * only this host.
 */
final class SlotPolicy {
  private SlotPolicy() {}

  /** Judges one holder; may read its delta lease. */
  @FunctionalInterface
  interface Liveness {
    boolean isDead(Holder holder) throws InterruptedException;
  }

  /**
   * Returns the value to propose for instance {@code current.lver() + 1}, empty if this host must
   * wait for a live holder, or {@code current} itself if it already says what is wanted.
   */
  static Optional<LeaseValue> next(
      LeaseValue current, Holder me, SlotMode wanted, Liveness liveness)
      throws InterruptedException {
    long lver = current.lver() + 1;
    List<Holder> others = new ArrayList<>(current.holders());
    others.remove(me);
    switch (wanted) {
      case EXCLUSIVE:
        if (current.mode() == SlotMode.EXCLUSIVE && current.heldBy(me)) {
          return Optional.of(current);
        }
        for (Holder other : others) {
          if (!liveness.isDead(other)) {
            return Optional.empty();
          }
        }
        return Optional.of(new LeaseValue(lver, SlotMode.EXCLUSIVE, List.of(me)));
      case SHARED:
        if (current.mode() == SlotMode.SHARED && current.heldBy(me)) {
          return Optional.of(current);
        }
        if (current.mode() == SlotMode.EXCLUSIVE
            && !current.heldBy(me)
            && !liveness.isDead(current.holders().get(0))) {
          return Optional.empty();
        }
        List<Holder> sharers = new ArrayList<>();
        if (current.mode() == SlotMode.SHARED) {
          sharers.addAll(others);
        }
        sharers.add(me);
        return Optional.of(new LeaseValue(lver, SlotMode.SHARED, sharers));
      case FREE:
      default:
        if (!current.heldBy(me)) {
          return Optional.of(current);
        }
        return Optional.of(
            others.isEmpty()
                ? new LeaseValue(lver, SlotMode.FREE, List.of())
                : new LeaseValue(lver, SlotMode.SHARED, others));
    }
  }
}
