/**
 * Quorate's API: locks with fencing tokens ({@link dev.quorate.lock}) and quorum ({@link
 * dev.quorate.quorum}), and the plumbing every lock manager shares ({@link dev.quorate.lock.spi}).
 * Lock managers are found by {@link java.util.ServiceLoader}: this module provides the in-process
 * manager, lock-zk the ZooKeeper one.
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
  exports dev.quorate.lock.spi;
  // The one JSON codec, for the modules that write or read JSON (fence history lines, QMP, the
  // quorate command's and the quorum-disk daemon's output); not an API: no exported package offers
  // it.
  exports dev.quorate.lock.internal.json to
      dev.quorate.fence,
      dev.quorate.vm,
      dev.quorate.cli,
      dev.quorate.qdisk.daemon;

  uses dev.quorate.lock.LockManagerProvider;

  provides dev.quorate.lock.LockManagerProvider with
      dev.quorate.lock.internal.InProcessProvider;
}
