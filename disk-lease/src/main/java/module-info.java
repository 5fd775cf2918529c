/**
 * Quorate's storage leases ({@link dev.quorate.disklease}): a lock manager whose only shared
 * component is the disk, with host-id delta leases and Disk Paxos resource leases on 1, 3 or 5
 * shared disks.
 *
 * @provides dev.quorate.lock.LockManagerProvider the disk lock manager, {@code
 *     quorate.lock.provider=disk}
 */
module dev.quorate.disklease {
  requires transitive dev.quorate.lock;
  requires transitive dev.quorate.qdisk;
  requires org.slf4j;

  exports dev.quorate.disklease;

  provides dev.quorate.lock.LockManagerProvider with
      dev.quorate.disklease.internal.DiskLeaseProvider;
}
