package dev.quorate.disklease;

import dev.quorate.disklease.internal.AreaCodec;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;

/**
 * The shape of a lease area, stored in its first block on every disk of the area: the area's
 * identity, how many host ids and resource slots it has, and the {@link LeaseTiming} all hosts
 * share. Every other block carries the area id, so blocks left over from an earlier area on the
 * same device read as empty.
 *
 * <p>Layout, in 4096-byte blocks: block 0 the header; blocks 1 to {@code hostSlots} one delta lease
 * per host id; then per resource slot one leader block and one ballot block per host id. A resource
 * name is hashed onto a slot; names that share a slot share its lease (never less safe, only less
 * concurrent), so give an area several times more slots than resources held at once.
 *
 * <pre>{@code
 * LeaseArea area = LeaseArea.create(16, 1024, LeaseTiming.defaults());
 * try (BlockDevice disk = BlockDevice.open(Path.of("/dev/mapper/leases"))) {
 *   area.format(disk);
 * }
 * }</pre>
 *
 * @param areaId the identity of the area, the same on all its disks
 * @param hostSlots the number of host ids, 1 to {@value #MAX_HOSTS}
 * @param resourceSlots the number of resource slots, 1 to {@value #MAX_RESOURCE_SLOTS}
 * @param timing the shared timing, checked
 */
public record LeaseArea(UUID areaId, int hostSlots, int resourceSlots, LeaseTiming timing) {
  /** The size of every block of the area. */
  public static final int BLOCK_SIZE = 4096;

  /** The most host ids an area has. */
  public static final int MAX_HOSTS = 250;

  /** The most resource slots an area has. */
  public static final int MAX_RESOURCE_SLOTS = 65_536;

  /**
   * Checks the counts and the timing.
   *
   * @param areaId the identity
   * @param hostSlots the number of host ids
   * @param resourceSlots the number of resource slots
   * @param timing the timing
   * @throws ConfigurationException naming a count out of range or an unsafe timing
   */
  public LeaseArea {
    Objects.requireNonNull(areaId, "areaId");
    Objects.requireNonNull(timing, "timing").check();
    if (hostSlots < 1 || hostSlots > MAX_HOSTS) {
      throw new ConfigurationException(
          "lease area host slots " + hostSlots + " not in 1.." + MAX_HOSTS);
    }
    if (resourceSlots < 1 || resourceSlots > MAX_RESOURCE_SLOTS) {
      throw new ConfigurationException(
          "lease area resource slots " + resourceSlots + " not in 1.." + MAX_RESOURCE_SLOTS);
    }
  }

  /**
   * Returns a new area with a random id.
   *
   * @param hostSlots the number of host ids
   * @param resourceSlots the number of resource slots
   * @param timing the timing
   * @return the area
   * @throws ConfigurationException naming a count out of range or an unsafe timing
   */
  public static LeaseArea create(int hostSlots, int resourceSlots, LeaseTiming timing) {
    return new LeaseArea(UUID.randomUUID(), hostSlots, resourceSlots, timing);
  }

  /**
   * Returns the bytes the area needs on each disk.
   *
   * @return the size in bytes
   */
  public long sizeBytes() {
    return (long) BLOCK_SIZE * (1 + hostSlots + (long) resourceSlots * (1 + 2L * hostSlots));
  }

  /**
   * Writes the header to {@code disk}. Host and resource blocks need no zeroing: blocks of another
   * area id read as empty.
   *
   * @param disk the disk, at least {@link #sizeBytes()} long
   * @throws IOException if the write fails
   * @throws ConfigurationException if the disk is too small, naming both sizes
   */
  public void format(BlockDevice disk) throws IOException {
    requireSize(disk);
    disk.write(0, AreaCodec.encodeHeader(this));
  }

  /**
   * Reads the header of a formatted disk.
   *
   * @param disk the disk
   * @return the area it holds
   * @throws IOException if the read fails
   * @throws QuorateException with {@link dev.quorate.lock.ErrorCode#CORRUPT_DATA} if block 0 is no
   *     lease area header or is damaged, naming the disk and what is wrong
   */
  public static LeaseArea read(BlockDevice disk) throws IOException {
    ByteBuffer block = ByteBuffer.allocate(BLOCK_SIZE);
    disk.read(0, block);
    LeaseArea area = AreaCodec.decodeHeader(block.flip(), disk.name());
    area.requireSize(disk);
    return area;
  }

  private void requireSize(BlockDevice disk) throws IOException {
    if (disk.size() < sizeBytes()) {
      throw new ConfigurationException(
          "disk "
              + disk.name()
              + " has "
              + disk.size()
              + " bytes but the lease area of "
              + hostSlots
              + " hosts and "
              + resourceSlots
              + " resource slots needs "
              + sizeBytes());
    }
  }
}
