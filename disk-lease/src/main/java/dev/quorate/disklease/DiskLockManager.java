package dev.quorate.disklease;

import dev.quorate.disklease.internal.DiskLocks;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.quorum.SelfFence;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Builds the disk lock manager: a {@link LockManager} whose only shared component is 1, 3 or 5
 * disks formatted with one {@link LeaseArea}. Each host holds a delta lease on its host id; each
 * resource is held through a Disk Paxos lease on its slot, whose lease version is the fencing
 * token. A host that cannot renew its delta lease turns its leases SUSPECT at once and LOST before
 * any other host may take them; one that holds leases then fences itself through its {@link
 * SelfFence}.
 *
 * <p>It offers the modes {@link #MODES} (NL, CR, PR, EX) and refuses the others with {@link
 * dev.quorate.lock.ErrorCode#REFUSED}: a slot is held shared or exclusive, which keeps the
 * compatibility of exactly these modes. Within one host, requests are ordered by an in-process
 * manager (conversions, value blocks, blocking callbacks among the host's threads).
 *
 * <pre>{@code
 * try (LockManager locks =
 *     DiskLockManager.builder()
 *         .disks(List.of(Path.of("/dev/mapper/leases")))
 *         .hostId(2)
 *         .hostName("node-b")
 *         .build()) {
 *   try (Lease lease = locks.lock("vm/web-1").acquire(LockMode.EX)) {
 *     storage.write(data, lease.token());
 *   }
 * }
 * }</pre>
 */
public final class DiskLockManager {
  /** The modes the disk lock manager grants. */
  public static final Set<LockMode> MODES = DiskLocks.MODES;

  private List<Path> disks;
  private List<BlockDevice> devices;
  private int hostId;
  private String hostName;
  private SelfFence selfFence = SelfFence.exit();
  private MonotonicClock clock = MonotonicClock.system();

  private DiskLockManager() {}

  /**
   * Starts a builder; the self-fence defaults to {@link SelfFence#exit()}.
   *
   * @return a new builder
   */
  public static DiskLockManager builder() {
    return new DiskLockManager();
  }

  /**
   * Sets the lease disks, formatted with one area by {@link LeaseArea#format}.
   *
   * @param paths 1, 3 or 5 devices or files
   * @return this builder
   */
  public DiskLockManager disks(List<Path> paths) {
    this.disks = List.copyOf(paths);
    this.devices = null;
    return this;
  }

  /**
   * Sets the lease disks as open devices instead of paths, for devices that count or fault their
   * I/O (benchmarks, the fault suite); the manager closes them. Replaces {@link #disks}.
   *
   * @param open 1, 3 or 5 devices formatted with one area
   * @return this builder
   */
  public DiskLockManager devices(List<BlockDevice> open) {
    this.devices = List.copyOf(open);
    this.disks = null;
    return this;
  }

  /**
   * Sets this host's id, unique in the area.
   *
   * @param id from 1 to the area's host slots
   * @return this builder
   */
  public DiskLockManager hostId(int id) {
    this.hostId = id;
    return this;
  }

  /**
   * Sets this host's name, stored with its delta lease and shown when two hosts claim one id.
   *
   * @param name at most 64 bytes of UTF-8
   * @return this builder
   */
  public DiskLockManager hostName(String name) {
    this.hostName = Objects.requireNonNull(name, "name");
    return this;
  }

  /**
   * Sets what this host does when it loses its delta lease while holding leases.
   *
   * @param action the self-fence, such as {@link dev.quorate.qdisk.WatchdogDevice#selfFence()}
   * @return this builder
   */
  public DiskLockManager selfFence(SelfFence action) {
    this.selfFence = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Sets the monotonic clock all deadlines use; for tests.
   *
   * @param diskClock the clock
   * @return this builder
   */
  public DiskLockManager clock(MonotonicClock diskClock) {
    this.clock = Objects.requireNonNull(diskClock, "diskClock");
    return this;
  }

  /**
   * Opens the disks and acquires the host id: at once when the id is free, after host_expiry when
   * its last holder crashed.
   *
   * @return the open manager
   * @throws InterruptedException if interrupted while acquiring the host id
   * @throws ConfigurationException if a setting is missing or invalid, or the disks hold no single
   *     lease area
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#REFUSED}
   *     naming both hosts if another live host holds the host id, or {@link
   *     dev.quorate.lock.ErrorCode#IO_FAILURE} if no majority of disks answers
   */
  public LockManager build() throws InterruptedException {
    if (disks == null && devices == null) {
      throw new ConfigurationException("disk lock manager: no lease disks given");
    }
    if (hostName == null
        || hostName.isBlank()
        || hostName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
      throw new ConfigurationException(
          "disk lock manager: host name '" + hostName + "' must be 1 to 64 bytes");
    }
    if (devices != null) {
      if (devices.size() != 1 && devices.size() != 3 && devices.size() != 5) {
        throw new ConfigurationException(
            "a disk lock manager needs 1, 3 or 5 lease disks (a strict majority decides), got "
                + devices.size());
      }
      return DiskLocks.openDevices(devices, hostId, hostName, selfFence, clock);
    }
    return DiskLocks.open(disks, hostId, hostName, selfFence, clock);
  }
}
