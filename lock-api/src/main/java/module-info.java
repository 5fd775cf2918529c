/**
 * Quorate's API: locks with fencing tokens ({@link dev.quorate.lock}) and quorum ({@link
 * dev.quorate.quorum}). Lock managers are found by {@link java.util.ServiceLoader}: this module
 * provides the in-process manager, lock-zk the ZooKeeper one.
 *
 * @uses dev.quorate.lock.LockManagerProvider
 * @provides dev.quorate.lock.LockManagerProvider the in-process lock manager, {@code
 *     quorate.lock.provider=in-process}
 */
module dev.quorate.lock {
  requires org.slf4j;
  // Optional: only dev.quorate.lock.metrics uses it, and only when the application measures.
  requires static micrometer.core;

  exports dev.quorate.lock;
  exports dev.quorate.quorum;
  exports dev.quorate.lock.metrics;
  // Shared implementation of the ZooKeeper and disk managers (provider selection, request helpers);
  // not API (a small SPI package for third-party managers is to replace it).
  exports dev.quorate.lock.internal to
      dev.quorate.zk,
      dev.quorate.disklease;

  uses dev.quorate.lock.LockManagerProvider;

  provides dev.quorate.lock.LockManagerProvider with
      dev.quorate.lock.internal.InProcessProvider;
}
