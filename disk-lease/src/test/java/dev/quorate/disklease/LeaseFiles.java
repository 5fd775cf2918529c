package dev.quorate.disklease;

import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** File-backed lease disks for tests, formatted with one area. */
public final class LeaseFiles {
  private LeaseFiles() {}

  /**
   * Formats {@code count} files in a new directory on tmpfs where there is one: DSYNC writes to a
   * shared, busy disk can outlast a short I/O timeout, and then a host rightly loses its leases,
   * which the tests using this are not about.
   *
   * @param prefix the directory's name prefix
   * @param count how many disks
   * @param area the area to format
   * @return the files
   * @throws IOException if a file cannot be made
   */
  public static List<Path> onTmpfs(String prefix, int count, LeaseArea area) throws IOException {
    Path shm = Path.of("/dev/shm");
    Path dir =
        Files.isDirectory(shm)
            ? Files.createTempDirectory(shm, prefix)
            : Files.createTempDirectory(prefix);
    return in(dir, count, area);
  }

  /**
   * Formats {@code count} files in {@code dir}.
   *
   * @param dir the directory
   * @param count how many disks
   * @param area the area to format
   * @return the files
   * @throws IOException if a file cannot be made
   */
  public static List<Path> in(Path dir, int count, LeaseArea area) throws IOException {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path p = dir.resolve("lease-disk-" + i);
      try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
        f.setLength(area.sizeBytes());
      }
      try (BlockDevice d = BlockDevice.open(p)) {
        area.format(d);
      }
      paths.add(p);
    }
    return paths;
  }
}
