package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.DiskHeader;

/**
 * Where each record lives: the header in block 0, the heartbeat slots of nodes 1..N in blocks 1..N
 * (contiguous, so one read returns the header and every slot), then the mailboxes of nodes 1..N.
 */
public final class Layout {
  static final int BLOCK = DiskHeader.BLOCK_SIZE;

  private Layout() {}

  /** Returns the offset of node {@code nodeId}'s heartbeat slot. */
  public static long slotOffset(int nodeId) {
    return (long) nodeId * BLOCK;
  }

  /** Returns the offset of node {@code nodeId}'s mailbox on a disk with {@code slots} slots. */
  public static long mailboxOffset(int slots, int nodeId) {
    return (long) (slots + nodeId) * BLOCK;
  }

  /** Returns the length of one read covering the header and every slot. */
  public static int headerAndSlotsLength(int slots) {
    return (1 + slots) * BLOCK;
  }
}
