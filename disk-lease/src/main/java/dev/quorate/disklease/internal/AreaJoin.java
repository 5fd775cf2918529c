package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.quorum.SelfFence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host that joined a lease area: the area its disks hold, the disks, and the host id's delta
 * lease, acquired. {@link #join} checks everything before it writes, and closes the disks when
 * anything fails, so that no half-joined host is left behind.
 *
 * @param area the lease area all disks hold
 * @param disks the disks, which the joined host now owns
 * @param delta the host id's delta lease, acquired
 * @param names the disks' names, in order
 */
record AreaJoin(LeaseArea area, LeaseDisks disks, DeltaLease delta, List<String> names) {
  private static final Logger LOG = LoggerFactory.getLogger(AreaJoin.class);

  /**
   * Opens the lease disks at {@code paths}.
   *
   * @throws ConfigurationException if they are not 1, 3 or 5
   * @throws QuorateException with IO_FAILURE if one cannot be opened (those opened are closed)
   */
  static List<BlockDevice> openAll(List<Path> paths) {
    if (paths.size() != 1 && paths.size() != 3 && paths.size() != 5) {
      throw new ConfigurationException(
          "a disk lock manager needs 1, 3 or 5 lease disks (a strict majority decides), got "
              + paths.size()
              + ": "
              + paths);
    }
    List<BlockDevice> devices = new ArrayList<>();
    try {
      for (Path p : paths) {
        devices.add(BlockDevice.open(p));
      }
    } catch (IOException e) {
      closeAll(devices);
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "cannot open lease disks " + paths + ": " + e, e);
    }
    return devices;
  }

  /**
   * Checks that the devices hold one lease area, that {@code hostId} fits it and that the
   * self-fence can act within its renewal deadline; then acquires the host id, blocking for up to
   * host_expiry when the id's record was left by a crashed holder. Closes the devices if anything
   * fails.
   *
   * @throws ConfigurationException if the devices hold different areas or the host id is out of
   *     range
   * @throws QuorateException with REFUSED if another live host holds the host id
   */
  static AreaJoin join(
      List<BlockDevice> devices,
      int hostId,
      String hostName,
      SelfFence selfFence,
      MonotonicClock clock)
      throws InterruptedException {
    LeaseArea area;
    try {
      area = readArea(devices);
      if (hostId < 1 || hostId > area.hostSlots()) {
        throw new ConfigurationException(
            "host id " + hostId + " not in 1.." + area.hostSlots() + " of the lease area");
      }
      DiskTiming timing = DiskTimings.of(area.timing());
      selfFence.verify(timing.interval(), timing.renewalDeadline());
    } catch (RuntimeException e) {
      closeAll(devices);
      throw e;
    }
    LeaseDisks disks = new LeaseDisks(devices, area.timing().ioTimeout());
    DeltaLease delta = new DeltaLease(disks, area, clock, hostId, hostName);
    try {
      delta.acquire();
    } catch (InterruptedException | RuntimeException e) {
      disks.close();
      throw e;
    }
    return new AreaJoin(area, disks, delta, devices.stream().map(BlockDevice::name).toList());
  }

  private static LeaseArea readArea(List<BlockDevice> devices) {
    LeaseArea area = null;
    try {
      for (BlockDevice d : devices) {
        LeaseArea found = LeaseArea.read(d);
        if (area != null && !area.equals(found)) {
          throw new ConfigurationException(
              "lease disk "
                  + d.name()
                  + " holds area "
                  + found
                  + " but "
                  + devices.get(0).name()
                  + " holds "
                  + area);
        }
        area = found;
      }
    } catch (IOException e) {
      throw new QuorateException(ErrorCode.IO_FAILURE, "cannot read lease disks: " + e, e);
    }
    return area;
  }

  private static void closeAll(List<BlockDevice> devices) {
    for (BlockDevice d : devices) {
      try {
        d.close();
      } catch (IOException e) {
        LOG.warn("closing {}: {}", d.name(), e.toString());
      }
    }
  }
}
