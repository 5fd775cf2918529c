package dev.quorate.zk;

/**
 * The TCK on one ZooKeeper server with cohorting and caching of EX grants on: every test of {@link
 * SlmTckIT}, managers built with {@code cohorting(true)}.
 */
class SlmCohortTckIT extends SlmTckIT {
  @Override
  ZkLockManagerBuilder configure(ZkLockManagerBuilder builder) {
    return builder.cohorting(true);
  }
}
