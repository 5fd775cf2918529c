package dev.quorate.qdisk;

import dev.quorate.qdisk.internal.DiskReader;
import dev.quorate.qdisk.internal.Layout;
import dev.quorate.qdisk.internal.RecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One read of a quorum disk from outside any engine: its header and every node's heartbeat slot, as
 * a monitor or a test suite sees them. Reading never writes, so it works on a device opened with
 * {@link BlockDevice#openReadOnly}; the slots come from one read, so they are as consistent as the
 * disk's own writes allow (each slot is checked by its CRC, a torn one is absent).
 *
 * <pre>{@code
 * try (BlockDevice disk = BlockDevice.openReadOnly(Path.of("/dev/disk/by-id/qdisk"))) {
 *   DiskSnapshot snapshot = DiskSnapshot.read(disk);
 *   snapshot.slot(2).ifPresent(s -> System.out.println("node 2 at sequence " + s.sequence()));
 * }
 * }</pre>
 *
 * @param header the disk's header
 * @param slots the valid heartbeat slots by ascending node id; a never-written, torn or foreign
 *     slot is absent
 */
public record DiskSnapshot(DiskHeader header, Map<Integer, HeartbeatSlot> slots) {
  /**
   * Validates and copies.
   *
   * @param header the header
   * @param slots the slots by node id
   */
  public DiskSnapshot {
    Objects.requireNonNull(header, "header");
    slots = Collections.unmodifiableMap(new TreeMap<>(slots)); // ascending node ids
  }

  /**
   * Reads the header and every slot of a disk.
   *
   * @param device the disk
   * @return what the disk holds now
   * @throws IOException if the disk cannot be read
   * @throws dev.quorate.lock.QuorateException if the disk is not a valid quorum disk (unformatted,
   *     corrupt header, shorter than its layout)
   */
  public static DiskSnapshot read(BlockDevice device) throws IOException {
    DiskHeader header = DiskReader.readHeader(device, null);
    ByteBuffer all = ByteBuffer.allocate(Layout.headerAndSlotsLength(header.slotCount()));
    device.read(0, all);
    Map<Integer, HeartbeatSlot> slots = new TreeMap<>();
    for (int node = 1; node <= header.slotCount(); node++) {
      int offset = (int) Layout.slotOffset(node);
      ByteBuffer block =
          all.duplicate().position(offset).limit(offset + DiskHeader.BLOCK_SIZE).slice();
      RecordCodec.decodeSlot(block, header.diskId(), node)
          .value()
          .ifPresent(slot -> slots.put(slot.nodeId(), slot));
    }
    return new DiskSnapshot(header, slots);
  }

  /**
   * Returns a node's slot, when it holds a valid record.
   *
   * @param nodeId the node
   * @return the slot, or empty when never written, torn or of another disk
   */
  public Optional<HeartbeatSlot> slot(int nodeId) {
    return Optional.ofNullable(slots.get(nodeId));
  }
}
