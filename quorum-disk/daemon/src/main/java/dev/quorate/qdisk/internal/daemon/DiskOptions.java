package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.internal.DiskReader;
import dev.quorate.qdisk.internal.FileBlockDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** Which disks and cluster a tool works on: from a config file, or given directly. */
final class DiskOptions {
  @Option(
      names = {"-c", "--config"},
      description = "daemon config file")
  Path config;

  @Option(
      names = {"-d", "--disk"},
      description = "a disk (repeat for 3 or 5)",
      showDefaultValue = Visibility.NEVER)
  List<Path> disks = new ArrayList<>();

  @Option(names = "--cluster", description = "the cluster the disks must belong to")
  String cluster;

  List<Path> paths() {
    if (config != null) {
      return DaemonConfig.load(config).disks();
    }
    if (disks.isEmpty()) {
      throw new ConfigurationException("give --config or at least one --disk");
    }
    return disks;
  }

  String clusterOrNull() {
    return config != null ? DaemonConfig.load(config).cluster() : cluster;
  }

  /**
   * Opens every disk for reading and writing (direct I/O where allowed: it sees what other hosts
   * wrote); only for commands that write.
   */
  static List<BlockDevice> open(List<Path> paths) throws IOException {
    return openAll(paths, p -> FileBlockDevice.open(p, true));
  }

  /**
   * Opens every disk read-only, for commands that only inspect: they work on a write-protected disk
   * and can never change one.
   */
  static List<BlockDevice> openReadOnly(List<Path> paths) throws IOException {
    return openAll(paths, BlockDevice::openReadOnly);
  }

  /** How one disk is opened. */
  private interface Opener {
    BlockDevice open(Path path) throws IOException;
  }

  private static List<BlockDevice> openAll(List<Path> paths, Opener opener) throws IOException {
    List<BlockDevice> out = new ArrayList<>();
    try {
      for (Path p : paths) {
        out.add(opener.open(p));
      }
    } catch (IOException | RuntimeException e) {
      closeAll(out); // the disks opened before the one that failed
      throw e;
    }
    return out;
  }

  static void closeAll(List<BlockDevice> devices) {
    for (BlockDevice d : devices) {
      try {
        d.close();
      } catch (IOException e) {
        // Read-only use: nothing to lose on a failed close.
      }
    }
  }

  static DiskHeader header(BlockDevice d, String cluster) throws IOException {
    return DiskReader.readHeader(d, cluster);
  }
}
