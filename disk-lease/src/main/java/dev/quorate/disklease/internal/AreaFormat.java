package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeaseTiming;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code LeaseTool format}: writes a new lease area's header on 1, 3 or 5 disks, after checking all
 * of them. Refuses, unless {@code --force}, a disk holding data that is no lease area, and a lease
 * area on which a host renewed its delta lease during a read window (the sequence advanced): that
 * host would keep running guests on an area whose records it can no longer find.
 */
final class AreaFormat {
  private final PrintStream out;
  private final PrintStream err;

  AreaFormat(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(ToolArgs a) throws IOException, InterruptedException {
    List<Path> paths = a.disks();
    LeaseTiming timing = LeaseTiming.forIoTimeout(a.duration("--io-timeout", "1s"));
    LeaseArea area =
        LeaseArea.create(a.integer("--hosts", "16"), a.integer("--slots", "1024"), timing);
    boolean force = a.flag("--force");
    List<String> refusals = new ArrayList<>();
    Optional<LeaseArea> old = Optional.empty();
    for (Path p : paths) {
      try (BlockDevice d = BlockDevice.openReadOnly(p)) {
        if (d.size() < area.sizeBytes()) {
          throw new ConfigurationException(
              "disk "
                  + p
                  + " has "
                  + d.size()
                  + " bytes but the lease area of "
                  + area.hostSlots()
                  + " hosts and "
                  + area.resourceSlots()
                  + " resource slots needs "
                  + area.sizeBytes());
        }
        ByteBuffer block = ByteBuffer.allocate(LeaseArea.BLOCK_SIZE);
        d.read(0, block);
        block.flip();
        if (isZero(block)) {
          continue;
        }
        try {
          LeaseArea found = LeaseArea.read(d);
          if (old.isPresent() && !old.get().equals(found)) {
            // Only the first area's hosts are watched; another area's hosts could be live.
            refusals.add(p + " holds lease area " + found.areaId() + ", not " + old.get().areaId());
          }
          old = old.isPresent() ? old : Optional.of(found);
        } catch (QuorateException e) {
          refusals.add(p + " holds data that is no lease area (" + e.getMessage() + ")");
        }
      }
    }
    if (old.isPresent()) {
      refusals.addAll(liveHosts(paths, old.get()));
    }
    if (!refusals.isEmpty()) {
      if (!force) {
        refusals.forEach(r -> err.println("LeaseTool format: refused: " + r));
        err.println("LeaseTool format: nothing written; use --force to format anyway");
        return LeaseTool.REFUSED;
      }
      refusals.forEach(r -> err.println("LeaseTool format: --force overrides: " + r));
    }
    for (Path p : paths) {
      try (BlockDevice d = BlockDevice.open(p)) {
        area.format(d);
        if (!LeaseArea.read(d).equals(area)) {
          throw new IOException(p + ": the header read back differs from the one written");
        }
      }
    }
    out.printf(
        "formatted lease area %s on %d disk(s): %d host ids, %d resource slots, %d bytes each%n",
        area.areaId(), paths.size(), area.hostSlots(), area.resourceSlots(), area.sizeBytes());
    out.printf(
        "timing: io_timeout %d ms, renewal %d ms, renewal_deadline %d ms, host_expiry %d ms%n",
        timing.ioTimeout().toMillis(),
        timing.renewalInterval().toMillis(),
        timing.renewalDeadline().toMillis(),
        timing.hostExpiry().toMillis());
    return LeaseTool.OK;
  }

  /** The hosts of the existing area that renewed during a read window, one line each. */
  private List<String> liveHosts(List<Path> paths, LeaseArea old)
      throws IOException, InterruptedException {
    List<Path> ofOld = new ArrayList<>();
    for (Path p : paths) {
      try (BlockDevice d = BlockDevice.openReadOnly(p)) {
        ByteBuffer block = ByteBuffer.allocate(LeaseArea.BLOCK_SIZE);
        d.read(0, block);
        block.flip();
        if (!isZero(block) && sameArea(d, old)) {
          ofOld.add(p);
        }
      }
    }
    List<String> live = new ArrayList<>();
    try (AreaView view = openView(ofOld, old)) {
      var window = AreaView.window(old);
      err.printf(
          "LeaseTool format: %s holds lease area %s; watching its hosts for %d ms%n",
          ofOld, old.areaId(), window.toMillis());
      for (AreaView.HostRow h : view.hosts(window)) {
        if (h.state() == AreaView.HostState.LIVE) {
          DeltaRecord r = h.record().orElseThrow();
          live.add(
              "host id "
                  + h.hostId()
                  + " "
                  + r.describe()
                  + " renewed its delta lease (sequence "
                  + h.firstSequence()
                  + " -> "
                  + r.sequence()
                  + " within "
                  + window.toMillis()
                  + " ms): it is live");
        }
      }
    }
    return live;
  }

  private static boolean sameArea(BlockDevice d, LeaseArea old) throws IOException {
    try {
      return LeaseArea.read(d).equals(old);
    } catch (QuorateException e) {
      return false;
    }
  }

  private static AreaView openView(List<Path> paths, LeaseArea area) throws IOException {
    List<BlockDevice> devices = new ArrayList<>();
    for (Path p : paths) {
      devices.add(BlockDevice.openReadOnly(p));
    }
    return new AreaView(area, devices);
  }

  private static boolean isZero(ByteBuffer block) {
    for (int i = block.position(); i < block.limit(); i++) {
      if (block.get(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
