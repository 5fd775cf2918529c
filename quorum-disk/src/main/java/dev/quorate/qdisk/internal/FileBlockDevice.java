package dev.quorate.qdisk.internal;

import com.sun.nio.file.ExtendedOpenOption;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A block device or plain file through {@link FileChannel}, with DSYNC so a write is on the disk
 * when it returns, and O_DIRECT where the file system allows it so a read sees the disk rather than
 * this host's page cache (another host's write would otherwise stay invisible on a shared device).
 * Direct I/O needs block-aligned buffers, so a transfer goes through one aligned scratch buffer
 * unless the caller's buffer is direct and aligned already ({@link #alignedBuffer}).
 */
public final class FileBlockDevice implements BlockDevice {
  private static final Logger LOG = LoggerFactory.getLogger(FileBlockDevice.class);
  private static final int BLOCK = DiskHeader.BLOCK_SIZE;

  private final Path path;
  private final FileChannel channel;
  private final boolean direct;
  private final boolean readOnly;
  private ByteBuffer scratch;

  private FileBlockDevice(Path path, FileChannel channel, boolean direct, boolean readOnly) {
    this.path = path;
    this.channel = channel;
    this.direct = direct;
    this.readOnly = readOnly;
    this.scratch = aligned(BLOCK);
  }

  /**
   * Opens {@code path} for reading and writing; with {@code tryDirect}, probes O_DIRECT with one
   * aligned read of block 0 and falls back to buffered DSYNC I/O with a warning when the file
   * system refuses it.
   */
  public static FileBlockDevice open(Path path, boolean tryDirect) throws IOException {
    return open(path, tryDirect, false);
  }

  /**
   * Opens {@code path} for reading only (a write fails), with O_DIRECT where the file system allows
   * it: inspecting a disk needs no write permission and can never change it.
   */
  public static FileBlockDevice openReadOnly(Path path) throws IOException {
    return open(path, true, true);
  }

  private static FileBlockDevice open(Path path, boolean tryDirect, boolean readOnly)
      throws IOException {
    if (!Files.exists(path)) {
      throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such device or file");
    }
    Set<OpenOption> plain =
        readOnly
            ? Set.of(StandardOpenOption.READ)
            : Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
    if (tryDirect) {
      Set<OpenOption> direct = new HashSet<>(plain);
      direct.add(ExtendedOpenOption.DIRECT);
      FileChannel ch = null;
      try {
        ch = FileChannel.open(path, direct);
        if (sizeOf(path, ch) >= BLOCK) {
          ch.read(aligned(BLOCK), 0);
        }
        return new FileBlockDevice(path, ch, true, readOnly);
      } catch (IOException | UnsupportedOperationException e) {
        if (ch != null) {
          ch.close();
        }
        LOG.warn(
            "{}: O_DIRECT refused ({}); using DSYNC through the page cache. On a device shared"
                + " between hosts this can hide another host's writes: use a block device.",
            path,
            Problems.describe(e));
      }
    }
    return new FileBlockDevice(path, FileChannel.open(path, plain), false, readOnly);
  }

  /** Tells whether O_DIRECT is in use. */
  public boolean direct() {
    return direct;
  }

  @Override
  public String name() {
    return path.toString();
  }

  @Override
  public long size() throws IOException {
    return sizeOf(path, channel);
  }

  private static long sizeOf(Path path, FileChannel ch) throws IOException {
    if (Files.isRegularFile(path)) {
      return ch.size();
    }
    // fstat reports 0 for block devices; the kernel publishes their size in 512-byte sectors.
    Path real = path.toRealPath();
    Path sys = Path.of("/sys/class/block", real.getFileName().toString(), "size");
    if (Files.isReadable(sys)) {
      return Long.parseLong(Files.readString(sys).trim()) * 512;
    }
    return ch.size();
  }

  @Override
  public synchronized void read(long offset, ByteBuffer dst) throws IOException {
    int len = checkAligned(offset, dst.remaining());
    if (dst.isDirect() && dst.alignmentOffset(dst.position(), BLOCK) == 0) {
      // Already fit for O_DIRECT: no copy, and no scratch the size of the whole disk's slots.
      fill(dst, offset, len);
      return;
    }
    ByteBuffer buf = scratch(len);
    fill(buf, offset, len);
    buf.flip();
    dst.put(buf);
  }

  private void fill(ByteBuffer buf, long offset, int len) throws IOException {
    long at = offset;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, at);
      if (n < 0) {
        throw new IOException(
            path + ": device ends at " + at + " bytes, before " + (offset + len) + " bytes");
      }
      at += n;
    }
  }

  @Override
  public synchronized void write(long offset, ByteBuffer src) throws IOException {
    if (readOnly) {
      throw new IOException(path + ": opened read-only, refusing to write at " + offset);
    }
    int len = checkAligned(offset, src.remaining());
    ByteBuffer buf = scratch(len);
    buf.put(src).flip();
    long at = offset;
    while (buf.hasRemaining()) {
      at += channel.write(buf, at);
    }
  }

  private ByteBuffer scratch(int len) {
    if (scratch.capacity() < len) {
      scratch = aligned(len);
    }
    return scratch.clear().limit(len);
  }

  private static int checkAligned(long offset, int len) {
    if (offset % BLOCK != 0 || len % BLOCK != 0 || len == 0) {
      throw new IllegalArgumentException(
          "unaligned I/O: offset "
              + offset
              + ", length "
              + len
              + "; both must be multiples of "
              + BLOCK);
    }
    return len;
  }

  /**
   * Returns a direct buffer of {@code len} bytes aligned to the block size, which {@link #read}
   * fills without a copy; for buffers read into every interval.
   */
  public static ByteBuffer alignedBuffer(int len) {
    return aligned(len);
  }

  private static ByteBuffer aligned(int len) {
    return ByteBuffer.allocateDirect(len + BLOCK).alignedSlice(BLOCK).limit(len);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
