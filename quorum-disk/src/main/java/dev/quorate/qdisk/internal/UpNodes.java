package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.DiskHeader;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The node ids a heartbeat record names as UP: an immutable ascending list, each id once, kept as
 * the 256-bit map the slot holds on disk.
 *
 * <p>Every node decodes every peer's record every interval and keeps the last one per peer. A list
 * of boxed ids made that K x K allocations per node per interval and K x K objects kept alive per
 * node (at 255 nodes, 65,000 of each; 16 million kept alive across 255 nodes in one JVM, which
 * collected its way past its renewal deadlines). This keeps 32 bytes per record and boxes nothing:
 * elements come from one shared table of ids.
 */
public final class UpNodes extends AbstractList<Integer> implements RandomAccess {
  /**
   * Bytes of the map in a slot record: one bit per node id 0..255, bit {@code n & 7} of byte n/8.
   */
  static final int MAP_BYTES = 32;

  private static final int WORDS = 4;
  private static final Integer[] IDS = new Integer[WORDS * Long.SIZE];

  static {
    for (int n = 0; n < IDS.length; n++) {
      IDS[n] = n;
    }
  }

  private final long[] bits;
  private final int size;

  private UpNodes(long[] bits) {
    this.bits = bits;
    int count = 0;
    for (long w : bits) {
      count += Long.bitCount(w);
    }
    this.size = count;
  }

  /**
   * Returns {@code ids} ascending, each once; {@code ids} itself when it already is such a list.
   *
   * @throws IllegalArgumentException naming the id when one is outside 1..255
   * @throws NullPointerException if {@code ids} holds null
   */
  public static List<Integer> copyOf(Collection<Integer> ids) {
    if (ids instanceof UpNodes same) {
      return same;
    }
    long[] bits = new long[WORDS];
    for (Integer id : ids) {
      int n = Objects.requireNonNull(id, "node id in view");
      checkId(n);
      bits[n >>> 6] |= 1L << n;
    }
    return new UpNodes(bits);
  }

  /**
   * Reads the map at {@code b}'s position, advancing it by {@link #MAP_BYTES}.
   *
   * @throws IllegalArgumentException if the map names node id 0
   */
  static UpNodes read(ByteBuffer b) {
    long[] bits = new long[WORDS];
    for (int i = 0; i < MAP_BYTES; i++) {
      bits[i >>> 3] |= (b.get() & 0xFFL) << ((i & 7) * 8);
    }
    if ((bits[0] & 1) != 0) {
      checkId(0);
    }
    return new UpNodes(bits);
  }

  /** Writes {@code ids} as a map at {@code b}'s position, advancing it by {@link #MAP_BYTES}. */
  static void write(List<Integer> ids, ByteBuffer b) {
    long[] bits = ((UpNodes) copyOf(ids)).bits;
    for (int i = 0; i < MAP_BYTES; i++) {
      b.put((byte) (bits[i >>> 3] >>> ((i & 7) * 8)));
    }
  }

  private static void checkId(int n) {
    if (n < 1 || n > DiskHeader.MAX_SLOTS) {
      throw new IllegalArgumentException(
          "node id " + n + " in view out of range 1.." + DiskHeader.MAX_SLOTS);
    }
  }

  @Override
  public Integer get(int index) {
    Objects.checkIndex(index, size);
    int left = index;
    for (int w = 0; w < WORDS; w++) {
      long word = bits[w];
      int count = Long.bitCount(word);
      if (left < count) {
        for (int k = 0; k < left; k++) {
          word &= word - 1;
        }
        return IDS[w * Long.SIZE + Long.numberOfTrailingZeros(word)];
      }
      left -= count;
    }
    throw new AssertionError("index " + index + " within size " + size + " but not found");
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean contains(Object o) {
    return o instanceof Integer n && n >= 0 && n < IDS.length && (bits[n >>> 6] & 1L << n) != 0;
  }

  @Override
  public boolean equals(Object o) {
    // Decoded records are compared every interval (a node's own slot read back): no iteration.
    return o instanceof UpNodes other ? Arrays.equals(bits, other.bits) : super.equals(o);
  }

  @Override
  public int hashCode() {
    return super.hashCode();
  }
}
