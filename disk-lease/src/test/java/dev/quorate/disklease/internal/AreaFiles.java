package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeaseFiles;
import dev.quorate.disklease.LeaseTiming;
import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** File-backed lease disks in a test's directory, formatted with one area. */
final class AreaFiles {
  static final LeaseTiming FAST = LeaseTiming.forIoTimeout(Duration.ofMillis(500));

  final LeaseArea area;
  final List<Path> paths = new ArrayList<>();

  AreaFiles(Path dir, int disks, LeaseTiming timing) throws IOException {
    this.area = LeaseArea.create(8, 64, timing);
    paths.addAll(LeaseFiles.in(dir, disks, area));
  }

  /** Opens the disks as one host sees them. */
  LeaseDisks open() throws IOException {
    List<BlockDevice> devices = new ArrayList<>();
    for (Path p : paths) {
      devices.add(BlockDevice.open(p));
    }
    return new LeaseDisks(devices, area.timing().ioTimeout());
  }
}
