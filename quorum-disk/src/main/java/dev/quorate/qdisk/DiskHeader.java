package dev.quorate.qdisk;

import dev.quorate.lock.ConfigurationException;
import java.util.Objects;
import java.util.UUID;

/**
 * The first block of a quorum disk: which cluster owns it, how many slots it has, and the timing
 * all its nodes share. {@code format} writes it last, so a disk whose format was interrupted has no
 * valid header and is refused.
 *
 * <pre>{@code
 * UUID set = UUID.randomUUID(); // shared by every disk formatted together
 * DiskHeader header =
 *     new DiskHeader(DiskHeader.CURRENT_VERSION, UUID.randomUUID(), set, "alpha", 16, DiskTiming.defaults());
 * long bytes = header.requiredBytes(); // (1 + 2 x 16) x 4096
 * }</pre>
 *
 * @param version the format version, {@link #CURRENT_VERSION} for disks this build writes
 * @param diskId the disk's UUID, repeated in every record so a block from another disk is refused
 * @param setId the disk set's UUID: the same on every disk formatted together (or brought into the
 *     set by {@code replace-disk}), so that disks of separate formats cannot be mixed in one node's
 *     list
 * @param clusterName the owning cluster's name, 1 to 64 bytes of UTF-8
 * @param slotCount the number of heartbeat slots (and mailboxes), from 1 to {@link #MAX_SLOTS}
 * @param timing the shared timing
 */
public record DiskHeader(
    int version, UUID diskId, UUID setId, String clusterName, int slotCount, DiskTiming timing) {

  /**
   * The format version this build writes and reads. Version 2 added the disk set's UUID to the
   * header and the writer's host to every heartbeat slot; version 1 disks are refused with a
   * request to re-format.
   */
  public static final int CURRENT_VERSION = 2;

  /** The most slots a disk may have (node ids 1 to 255, as in SBD). */
  public static final int MAX_SLOTS = 255;

  /** The size of every block and record, in bytes. */
  public static final int BLOCK_SIZE = 4096;

  /**
   * Validates the fields.
   *
   * @param version the format version
   * @param diskId the disk's UUID
   * @param setId the disk set's UUID
   * @param clusterName the cluster's name
   * @param slotCount the number of slots
   * @param timing the shared timing
   * @throws ConfigurationException if the cluster name is blank or too long, or the slot count out
   *     of range
   */
  public DiskHeader {
    Objects.requireNonNull(diskId, "diskId");
    Objects.requireNonNull(setId, "setId");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(timing, "timing");
    checkClusterName(clusterName);
    if (slotCount < 1 || slotCount > MAX_SLOTS) {
      throw new ConfigurationException(
          "slot count " + slotCount + " is out of range: expected 1 to " + MAX_SLOTS);
    }
  }

  /**
   * Checks a cluster name.
   *
   * @param name the name
   * @return the name
   * @throws ConfigurationException if it is blank, longer than 64 bytes of UTF-8, or has control
   *     characters
   */
  public static String checkClusterName(String name) {
    if (name == null
        || name.isBlank()
        || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new ConfigurationException(
          "cluster name '"
              + name
              + "' is invalid: expected 1 to 64 bytes of UTF-8 without control characters");
    }
    return name;
  }

  /**
   * Returns whether {@code other} describes a disk of the same set that nodes may use in place of
   * this one: the same set, cluster, version, slot count and timing (the disk UUID may differ, as
   * it does after {@code replace-disk}).
   *
   * @param other another disk's header
   * @return true if a running node may adopt {@code other} in place of this header
   */
  public boolean sameSet(DiskHeader other) {
    return version == other.version
        && setId.equals(other.setId)
        && clusterName.equals(other.clusterName)
        && slotCount == other.slotCount
        && timing.equals(other.timing);
  }

  /**
   * Returns the bytes the layout needs: the header, then {@code slotCount} heartbeat slots, then
   * {@code slotCount} mailboxes, one block each.
   *
   * @return the minimum device size
   */
  public long requiredBytes() {
    return (1L + 2L * slotCount) * BLOCK_SIZE;
  }
}
