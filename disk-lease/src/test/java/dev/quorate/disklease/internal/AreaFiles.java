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
import java.util.function.UnaryOperator;

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
    return open(d -> d);
  }

  /** Opens the disks through {@link CuttableDevice}s, which it adds to {@code devices}. */
  LeaseDisks openCuttable(List<CuttableDevice> devices) throws IOException {
    return open(
        d -> {
          CuttableDevice c = new CuttableDevice(d);
          devices.add(c);
          return c;
        });
  }

  /** Opens the disks as one host sees them, each through {@code wrap}. */
  LeaseDisks open(UnaryOperator<BlockDevice> wrap) throws IOException {
    List<BlockDevice> devices = new ArrayList<>();
    for (Path p : paths) {
      devices.add(wrap.apply(BlockDevice.open(p)));
    }
    return new LeaseDisks(devices, area.timing().ioTimeout());
  }
}
