package dev.quorate.samples.docs;

import dev.quorate.zk.ZkLockManager;

/** The example of docs/performance.md; lock-zk's cohort ITs run the same configuration. */
final class PerformanceExamples {
  private PerformanceExamples() {}

  /** docs/performance.md, the cohorting options. */
  static ZkLockManager cohorting() throws InterruptedException {
    ZkLockManager manager =
        ZkLockManager.builder()
            .connectString("zk1:2181,zk2:2181,zk3:2181")
            .cohorting(true)
            .localHandoffBound(16)
            .build();
    return manager;
  }
}
