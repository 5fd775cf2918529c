package dev.quorate.qdisk;

import dev.quorate.qdisk.internal.FileBlockDevice;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A disk the quorum disk reads and writes in whole 4096-byte blocks: a shared block device, a plain
 * file, or in tests a memory image that injects faults. Offsets and lengths are multiples of {@link
 * DiskHeader#BLOCK_SIZE}. Calls may block; the engine bounds each with its I/O timeout on a thread
 * of its own, so an implementation need not time out by itself.
 *
 * <pre>{@code
 * try (BlockDevice disk = BlockDevice.open(Path.of("/dev/disk/by-id/wwn-0x5000c5"))) {
 *   ByteBuffer block = ByteBuffer.allocate(DiskHeader.BLOCK_SIZE);
 *   disk.read(0, block);
 * }
 * }</pre>
 */
public interface BlockDevice extends Closeable {
  /**
   * Opens a block device or a plain file with {@code DSYNC}, and with {@code O_DIRECT} where its
   * file system allows it (probed; when refused, a warning is logged and the page cache is used).
   *
   * @param path the device or file; it must exist
   * @return the open device
   * @throws IOException if it cannot be opened for reading and writing
   */
  static BlockDevice open(Path path) throws IOException {
    return FileBlockDevice.open(path, true);
  }

  /**
   * Opens a block device or a plain file for reading only, with {@code O_DIRECT} where its file
   * system allows it: for monitors and tools that inspect a disk without the right to change it.
   * Every write fails with an {@link IOException}.
   *
   * <pre>{@code
   * try (BlockDevice disk = BlockDevice.openReadOnly(Path.of("/dev/disk/by-id/qdisk"))) {
   *   DiskSnapshot snapshot = DiskSnapshot.read(disk);
   * }
   * }</pre>
   *
   * @param path the device or file; it must exist
   * @return the open device
   * @throws IOException if it cannot be opened for reading
   */
  static BlockDevice openReadOnly(Path path) throws IOException {
    return FileBlockDevice.openReadOnly(path);
  }

  /**
   * Returns a name for messages, such as the path.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the device's size.
   *
   * @return the size in bytes
   * @throws IOException if it cannot be determined
   */
  long size() throws IOException;

  /**
   * Fills {@code dst} from its position to its limit with the bytes at {@code offset}.
   *
   * @param offset a multiple of the block size
   * @param dst the buffer; its remaining length is a multiple of the block size
   * @throws IOException if the read fails or the device ends first
   */
  void read(long offset, ByteBuffer dst) throws IOException;

  /**
   * Writes {@code src} from its position to its limit at {@code offset}, durably ({@code DSYNC}).
   *
   * @param offset a multiple of the block size
   * @param src the bytes; their length is a multiple of the block size
   * @throws IOException if the write fails
   */
  void write(long offset, ByteBuffer src) throws IOException;

  /**
   * Closes the device.
   *
   * @throws IOException if closing fails
   */
  @Override
  void close() throws IOException;
}
