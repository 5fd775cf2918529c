package dev.quorate.zk;

/**
 * The TCK on an ensemble of three with cohorting and caching of EX grants on: every test of {@link
 * RlmTckIT}, managers built with {@code cohorting(true)}.
 */
class RlmCohortTckIT extends RlmTckIT {
  @Override
  ZkLockManagerBuilder configure(ZkLockManagerBuilder builder) {
    return builder.cohorting(true);
  }
}
