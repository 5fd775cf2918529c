package dev.quorate.disklease.internal;

import java.util.List;

/**
 * The value one Disk Paxos instance of a resource slot decides, and the slot's leader block holds:
 * who holds the slot from lease version {@code lver} on. {@code lver} numbers the instances; the
 * grant that a decision makes carries it as its fencing token, so tokens are unique and rise per
 * slot.
 *
 * @param lver the instance this value was decided in (0 for a never used slot)
 * @param mode free, exclusive or shared
 * @param holders the holding hosts: none when free, one when exclusive, one or more when shared
 */
record LeaseValue(long lver, SlotMode mode, List<Holder> holders) {
  static final LeaseValue NEVER_USED = new LeaseValue(0, SlotMode.FREE, List.of());

  LeaseValue {
    holders = List.copyOf(holders);
    if ((mode == SlotMode.FREE) != holders.isEmpty()
        || (mode == SlotMode.EXCLUSIVE && holders.size() != 1)) {
      throw new IllegalArgumentException("lease value " + mode + " with holders " + holders);
    }
  }

  /** Whether {@code host} holds the slot in this value. */
  boolean heldBy(Holder host) {
    return holders.contains(host);
  }

  /** A host that holds a slot: its id and the generation of its delta lease at the time. */
  record Holder(int hostId, long generation) {
    @Override
    public String toString() {
      return "host " + hostId + " generation " + generation;
    }
  }

  /** How a slot is held. */
  enum SlotMode {
    FREE,
    EXCLUSIVE,
    SHARED
  }
}
