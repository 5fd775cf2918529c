/**
 * Storage leases: a lock manager whose only shared component is the disk. Start with {@link
 * dev.quorate.disklease.LeaseArea} (format the disks), {@link dev.quorate.disklease.LeaseTiming}
 * (the timing every host shares, checked when built) and {@link
 * dev.quorate.disklease.DiskLockManager} (open a manager), or select it from properties with {@code
 * quorate.lock.provider=disk}.
 */
package dev.quorate.disklease;
