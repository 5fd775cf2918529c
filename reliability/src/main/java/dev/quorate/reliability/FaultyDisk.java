package dev.quorate.reliability;

import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A lease disk as one client JVM sees it, with the faults the nemesis switches on for every host at
 * once through one control file in the run directory ({@code disk-faults}: a line {@code MODE
 * disk-index [stall-millis]}, absent when the disks are healthy). Every host reads the same file,
 * so a fault belongs to the disk, not to one host, as on shared storage.
 *
 * <ul>
 *   <li>{@code OFFLINE}: every read and write fails (the disk is lost);
 *   <li>{@code TORN}: the first half of a write lands over the old bytes, then the write fails;
 *   <li>{@code LOST}: a write reports success and never lands;
 *   <li>{@code STALL}: a write waits the given time (past the I/O timeout), then lands late.
 * </ul>
 */
final class FaultyDisk implements BlockDevice {
  static final String CONTROL = "disk-faults";
  private static final int ALIGN = 4096;

  private final BlockDevice disk;
  private final int index;
  private final Path control;

  FaultyDisk(BlockDevice disk, int index, Path runDir) {
    this.disk = disk;
    this.index = index;
    this.control = runDir.resolve(CONTROL);
  }

  /** Switches a fault on for every host, atomically (a host never reads half a line). */
  static void inject(Path runDir, String mode, int diskIndex, long stallMillis) throws IOException {
    Path tmp = runDir.resolve(CONTROL + ".tmp");
    Files.writeString(tmp, mode + " " + diskIndex + " " + stallMillis + "\n");
    Files.move(tmp, runDir.resolve(CONTROL), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Heals the disks. */
  static void heal(Path runDir) throws IOException {
    Files.deleteIfExists(runDir.resolve(CONTROL));
  }

  /** The fault on this disk now: {mode, stall millis}, or null when it is healthy. */
  private String[] fault() throws IOException {
    String line;
    try {
      line = Files.readString(control, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException healthy) {
      return null;
    }
    String[] f = line.split(" ");
    if (f.length != 3) {
      throw new IOException("unreadable fault control line '" + line + "' in " + control);
    }
    return Integer.parseInt(f[1]) == index ? new String[] {f[0], f[2]} : null;
  }

  @Override
  public String name() {
    return disk.name();
  }

  @Override
  public long size() throws IOException {
    return disk.size();
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    String[] f = fault();
    if (f != null && f[0].equals("OFFLINE")) {
      throw new IOException("lease disk " + name() + " lost (fault injection)");
    }
    disk.read(offset, dst);
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    String[] f = fault();
    if (f == null) {
      disk.write(offset, src);
      return;
    }
    switch (f[0]) {
      case "OFFLINE" -> throw new IOException("lease disk " + name() + " lost (fault injection)");
      case "LOST" -> src.position(src.limit()); // acknowledged, never written
      case "TORN" -> {
        int length = src.remaining();
        // Direct I/O wants a block-aligned buffer.
        ByteBuffer block = ByteBuffer.allocateDirect(length + ALIGN).alignedSlice(ALIGN);
        block.limit(length);
        disk.read(offset, block);
        block.clear().limit(length);
        ByteBuffer firstHalf = src.duplicate();
        firstHalf.limit(firstHalf.position() + length / 2);
        block.put(firstHalf).clear().limit(length);
        disk.write(offset, block);
        throw new IOException(
            "torn write at offset " + offset + " of " + name() + " (fault injection)");
      }
      case "STALL" -> {
        try {
          Thread.sleep(Long.parseLong(f[1])); // the stall is the fault itself
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("stalled write interrupted", e);
        }
        disk.write(offset, src);
      }
      default -> throw new IOException("unknown fault mode '" + f[0] + "' in " + control);
    }
  }

  @Override
  public void close() throws IOException {
    disk.close();
  }
}
