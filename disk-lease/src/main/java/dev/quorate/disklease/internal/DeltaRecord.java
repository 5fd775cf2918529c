package dev.quorate.disklease.internal;

import java.util.UUID;

/**
 * One host id's delta lease as stored: written only by the host that holds the id. Liveness is a
 * change of {@code (generation, sequence)} seen by the observer; the owner name and instance make
 * two hosts that claim one id tell each other apart.
 *
 * @param hostId the host id, from 1
 * @param generation raised by every acquisition of the id
 * @param sequence raised by every renewal
 * @param released whether the holder gave the id up cleanly
 * @param instance the holder process's random identity
 * @param owner the holder's host name, for messages
 */
record DeltaRecord(
    int hostId, long generation, long sequence, boolean released, UUID instance, String owner) {

  /** Returns the record of a renewal. */
  DeltaRecord renewed() {
    return new DeltaRecord(hostId, generation, sequence + 1, false, instance, owner);
  }

  /** Returns the record of a clean release. */
  DeltaRecord releasedRecord() {
    return new DeltaRecord(hostId, generation, sequence + 1, true, instance, owner);
  }

  /** Whether this record was written by the process {@code other} describes. */
  boolean sameHolder(DeltaRecord other) {
    return generation == other.generation && instance.equals(other.instance);
  }

  /** Names the holder for messages. */
  String describe() {
    return "'" + owner + "' (instance " + instance + ", generation " + generation + ")";
  }
}
