package dev.quorate.disklease.internal;

import dev.quorate.disklease.internal.LeaseValue.SlotMode;

/**
 * A host's request block for a resource slot: the host waits for the slot in {@code mode} since it
 * drew {@code ticket}, or no longer waits ({@code mode} FREE, the ticket kept). A waiter draws one
 * more than the highest ticket any request block of the slot shows (Lamport's bakery, without its
 * choosing flag: two hosts that draw at once get the same ticket and the lower host id goes first),
 * so tickets order the waiters by arrival without comparing clocks.
 *
 * @param hostId the waiting host
 * @param generation the generation of its delta lease when it asked
 * @param mode the mode it waits for, FREE once granted or withdrawn
 * @param ticket its place in the slot's queue, from 1
 */
record SlotRequest(int hostId, long generation, SlotMode mode, long ticket) {
  /** Whether the host still waits. */
  boolean pending() {
    return mode != SlotMode.FREE;
  }

  /** Whether this request arrived before {@code other}: a lower ticket, or the same and host id. */
  boolean before(SlotRequest other) {
    return ticket < other.ticket || (ticket == other.ticket && hostId < other.hostId);
  }

  /** Whether this block supersedes {@code other} of the same host: newer, or its withdrawal. */
  boolean newerThan(SlotRequest other) {
    return ticket > other.ticket || (ticket == other.ticket && !pending() && other.pending());
  }

  /** Whether a grant in {@code wanted} would stand in this waiter's way. */
  boolean conflictsWith(SlotMode wanted) {
    return pending() && (mode == SlotMode.EXCLUSIVE || wanted == SlotMode.EXCLUSIVE);
  }
}
