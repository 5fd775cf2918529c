package dev.quorate.zk.internal;

import dev.quorate.lock.Lease;
import java.util.concurrent.CompletableFuture;

/** What a {@link Cohort} answers a request. */
sealed interface CohortAnswer {
  /**
   * Served by the cohort.
   *
   * @param lease completed with the local grant, or exceptionally
   */
  record Local(CompletableFuture<Lease> lease) implements CohortAnswer {}

  /** Not for a cohort: a try-once request while the member holds no grant; ask ZooKeeper. */
  record ToZooKeeper() implements CohortAnswer {}

  /** The cohort left the manager's map when idle: ask the one that replaced it. */
  record Retired() implements CohortAnswer {}
}
