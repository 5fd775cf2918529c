package dev.quorate.zk.internal;

import dev.quorate.lock.ValueBlock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a gated lease in ZooKeeper: its lock node and its {@link HolderRecord} (with the
 * record's session child) changed together in one {@code multi()}, so that a record outlives its
 * node only when the holder was lost. Three ends:
 *
 * <ul>
 *   <li>{@link #release}: a clean release deletes node, session child and record (and writes the
 *       value block). Only a record that is gone already (NoNode on it) lets the node go alone; a
 *       failure of the connection, a timeout or an interrupt retries the whole transaction (a few
 *       times at once, then in the background, bounded), since deleting the node alone would make a
 *       clean release look like a loss.
 *   <li>{@link #withdraw}: a request that never reached its caller deletes its node and any record
 *       at its own position (written by a grant whose reply was lost): nothing of it may stay.
 *   <li>{@link #abandon}: a holder that gives itself up as lost (its quorum ended) deletes its node
 *       and its session child and keeps the record, so the next holder asks the recovery gate and
 *       may count the self-fence deadline.
 * </ul>
 *
 * <p>A step that finds its path gone already (NoNode) is dropped and the rest tried again, as each
 * end allows; other failures are tried again a bounded number of times.
 */
final class RecordedEnd {
  private static final Logger log = LoggerFactory.getLogger(RecordedEnd.class);
  private static final int ATTEMPTS = 3;
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
  private static final int BACKGROUND_ATTEMPTS = 120;

  /** What a step may do when its path is gone. */
  private enum IfGone {
    /** Drop the step, go on with the rest. */
    DROP,
    /** Give up the whole transaction: the node is gone, so the holder was lost already. */
    STOP
  }

  /** One step: a delete, or the value block's versioned write. */
  private record Step(String path, byte[] value, int version, IfGone ifGone) {
    static Step delete(String path, IfGone ifGone) {
      return new Step(path, null, -1, ifGone);
    }
  }

  private final ZkLockService service;
  private final ZkNodes nodes;
  private final CuratorFramework client;

  RecordedEnd(ZkLockService service, ZkNodes nodes) {
    this.service = service;
    this.nodes = nodes;
    this.client = service.client();
  }

  /** A clean release of the lease whose node is {@code node} and record {@code record}. */
  void release(String container, String node, ValueBlock value, int version, String record) {
    List<Step> steps = new ArrayList<>();
    if (value != null) {
      // A stale version (another holder wrote since) drops the value, never the release.
      steps.add(new Step(container, value.toBytes(), version, IfGone.DROP));
      // The node's data changes first, so that a request waiting on it lists the queue again
      // (LeaseMachine.deletionGrants): the value it read with its listing is stale now.
      steps.add(new Step(node, service.owner(), -1, IfGone.STOP));
    }
    steps.add(Step.delete(node, IfGone.STOP));
    steps.add(Step.delete(HolderRecord.sessionPath(record), IfGone.DROP));
    steps.add(Step.delete(record, IfGone.DROP));
    finish(
        "release of " + node,
        steps,
        () -> {
          // Given up: the node goes alone (Curator retries it until the session ends) and the
          // record stays. The next holder then waits for the gate: safe.
          log.warn(
              "release of {} with its holder record failed; deleting the node alone, the next"
                  + " holder will wait for the recovery gate",
              node);
          nodes.delete(node);
        });
  }

  /** Withdraws a request that was never granted to its caller: node and any own record go. */
  void withdraw(String node, String record) {
    List<Step> steps = new ArrayList<>();
    steps.add(Step.delete(HolderRecord.sessionPath(record), IfGone.DROP));
    steps.add(Step.delete(record, IfGone.DROP));
    if (node != null) {
      steps.add(Step.delete(node, IfGone.DROP));
    }
    finish(
        "withdrawal of " + node,
        steps,
        () -> {
          if (node != null) {
            nodes.delete(node);
          }
          nodes.deleteInBackground(HolderRecord.sessionPath(record));
          nodes.deleteInBackground(record);
        });
  }

  /** Gives the lease up as lost: node and session child go, the record stays. */
  void abandon(String node, String record) {
    List<Step> steps = new ArrayList<>();
    steps.add(Step.delete(node, IfGone.DROP));
    steps.add(Step.delete(HolderRecord.sessionPath(record), IfGone.DROP));
    finish(
        "abandonment of " + node,
        steps,
        () -> {
          nodes.delete(node);
          nodes.deleteInBackground(HolderRecord.sessionPath(record));
        });
  }

  /**
   * Runs {@code steps} now; if ZooKeeper cannot be reached, again in the background every {@link
   * #RETRY_DELAY}, at most {@link #BACKGROUND_ATTEMPTS} times, then {@code givenUp}. A release that
   * waits for its connection this way keeps its node until it succeeds, as a node delete that
   * Curator retries does. It may finish in a later session of the client (Curator starts one when
   * the connection stays down too long): deleting another session's node is allowed, and while the
   * node exists the holder's own release is still a clean one. Once the node is gone (the old
   * session expired on the server), a release stops and the record stays: the safe side.
   */
  private void finish(String what, List<Step> steps, Runnable givenUp) {
    List<Step> left = run(what, steps);
    if (left != null) {
      retryLater(what, left, givenUp, 1);
    }
  }

  private void retryLater(String what, List<Step> left, Runnable givenUp, int attempt) {
    service
        .timer()
        .later(
            RETRY_DELAY,
            () ->
                service
                    .pool()
                    .execute(
                        () -> {
                          List<Step> still = run(what, left);
                          if (still == null) {
                            return;
                          }
                          if (attempt >= BACKGROUND_ATTEMPTS) {
                            givenUp.run();
                          } else {
                            retryLater(what, still, givenUp, attempt + 1);
                          }
                        }));
  }

  /**
   * Runs {@code steps} in one transaction, dropping steps whose path is gone as they allow. Null
   * when it committed (or was given up on purpose); else the steps still to do.
   */
  private List<Step> run(String what, List<Step> steps) {
    // An interrupted holder's release must still happen: ZooKeeper's calls refuse to wait while
    // the flag is set, so it is cleared for the transaction and set again after.
    boolean interrupted = Thread.interrupted();
    try {
      List<Step> left = new ArrayList<>(steps);
      int failures = 0;
      while (!left.isEmpty()) {
        try {
          client.transaction().forOperations(ops(left));
          return null;
        } catch (KeeperException e) {
          int failed = failedStep(e);
          if (e.code() == KeeperException.Code.NONODE && failed >= 0) {
            Step gone = left.get(failed);
            if (gone.ifGone() == IfGone.STOP) {
              log.debug("{} stopped: {} is gone", what, gone.path());
              return null;
            }
            left.remove(failed);
            continue;
          }
          if (e.code() == KeeperException.Code.BADVERSION && failed >= 0) {
            log.warn("{}: value block of {} not written ({})", what, left.get(failed).path(), e);
            left.remove(failed);
            continue;
          }
          if (++failures >= ATTEMPTS) {
            log.warn("{} failed {} times ({}); trying again later", what, failures, e.code());
            return left;
          }
        } catch (InterruptedException e) {
          interrupted = true;
          if (++failures >= ATTEMPTS) {
            return left;
          }
        } catch (Exception e) {
          if (++failures >= ATTEMPTS) {
            log.warn("{} failed {} times; trying again later", what, failures, e);
            return left;
          }
        }
      }
      return null;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private List<CuratorOp> ops(List<Step> steps) throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    for (Step step : steps) {
      ops.add(
          step.value() != null
              ? client
                  .transactionOp()
                  .setData()
                  .withVersion(step.version())
                  .forPath(step.path(), step.value())
              : client.transactionOp().delete().forPath(step.path()));
    }
    return ops;
  }

  /** The index of the operation that failed a transaction, or -1 if ZooKeeper did not say. */
  private static int failedStep(KeeperException e) {
    List<OpResult> results = e.getResults();
    if (results == null) {
      return -1;
    }
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i) instanceof OpResult.ErrorResult error
          && error.getErr() != KeeperException.Code.OK.intValue()
          && error.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
        return i;
      }
    }
    return -1;
  }
}
