package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The EX requests of one member for one resource: one ZooKeeper grant (one lock node) shared by the
 * member's threads, which queue here in memory and hand the lock to each other without ZooKeeper
 * traffic. After the last local release the member keeps the grant (node-level caching, the DLM
 * model) until its blocking callback says another member waits; then it makes at most {@code
 * handoffBound} more local grants and gives the node up. The callback hears of other members only
 * while the grant is kept beyond its holder (cached, or with local waiters): a grant that goes at
 * its holder's release costs no listing for it. Local waiters left over queue again in ZooKeeper,
 * behind the member that asked. Each local grant's token is the node's czxid with a local sequence
 * as {@code minor}, so tokens stay strictly increasing.
 *
 * <p>State is guarded by {@code this}, with the waiters ({@link CohortWaiters}), the fairness bound
 * ({@link CohortHandoffs}) and the caching decision ({@link GrantCaching}) kept in helpers used
 * under it; futures are completed and ZooKeeper is called outside it.
 */
final class Cohort {
  private final ZkLockService service;
  private final Cohorts cohorts;
  private final String resource;

  private CohortGrant grant;

  private boolean requesting;
  private CohortLease holder;
  private final CohortWaiters waiters = new CohortWaiters();
  private long sequence;
  private final CohortHandoffs handoffs;
  private boolean closed;

  private final GrantCaching caching;

  /** Left the manager's map when idle; a request that still finds it goes to a new cohort. */
  private boolean retired;

  private static final CohortAnswer TO_ZOOKEEPER = new CohortAnswer.ToZooKeeper();
  private static final CohortAnswer RETIRED = new CohortAnswer.Retired();

  /**
   * @param notCaching if not null, a retired cohort of this resource had stopped caching
   */
  Cohort(
      ZkLockService service,
      Cohorts cohorts,
      String resource,
      int handoffBound,
      NotCaching.Since notCaching) {
    this.service = service;
    this.cohorts = cohorts;
    this.resource = resource;
    this.handoffs = new CohortHandoffs(handoffBound);
    this.caching = new GrantCaching(notCaching);
  }

  /**
   * Takes a local request, unless it is not for this cohort.
   *
   * @param listeners listeners from the lock's options: they hear every transition of the grant
   */
  CohortAnswer request(boolean tryOnce, List<LeaseListener> listeners) {
    CompletableFuture<Lease> future = new CompletableFuture<>();
    boolean ask = false;
    CohortGrant hear;
    synchronized (this) {
      if (retired) {
        return RETIRED;
      }
      if (closed) {
        future.completeExceptionally(closedFailure());
        return new CohortAnswer.Local(future);
      }
      if (holder == null && waiters.isEmpty() && mayGrantLocally()) {
        future.complete(grantLocally(listeners));
        return new CohortAnswer.Local(future);
      }
      if (tryOnce) {
        if (grant == null && !requesting) {
          return TO_ZOOKEEPER;
        }
        future.completeExceptionally(
            new LockTimeoutException(resource, LockMode.EX, Duration.ZERO));
        return new CohortAnswer.Local(future);
      }
      waiters.add(future, listeners);
      if (grant == null && !requesting) {
        requesting = true;
        ask = true;
      }
      hear = keptBeyondHolder();
    }
    hearOtherMembers(hear);
    future.whenComplete(
        (lease, failure) -> {
          if (failure != null) {
            synchronized (this) {
              waiters.withdraw(future);
            }
          }
        });
    if (ask) {
      askZooKeeper();
    }
    return new CohortAnswer.Local(future);
  }

  private boolean mayGrantLocally() {
    return grant != null && grant.usable() && handoffs.mayHandOff();
  }

  private CohortLease grantLocally(List<LeaseListener> listeners) {
    int whileContended = handoffs.handedOff();
    if (whileContended > 0) {
      cohorts.handedOffWhileContended(whileContended);
    }
    if (sequence > 0) {
      service.cachedGrant(); // the node served a holder before: this grant cost no ZooKeeper call
    }
    holder = new CohortLease(this, grant.lease(), sequence++, listeners);
    return holder;
  }

  private void askZooKeeper() {
    LockOptions options = LockOptions.builder().onBlocking(this::onBlocking).build();
    CompletableFuture<Lease> request;
    try {
      request = service.requestFromZooKeeper(resource, LockMode.EX, options, null, false, true);
    } catch (RuntimeException e) {
      failed(e);
      return;
    }
    request.whenComplete(
        (lease, failure) -> {
          if (failure != null) {
            failed(failure);
          } else {
            granted((CohortGrant) lease);
          }
        });
  }

  private void granted(CohortGrant lease) {
    lease.onChange(
        event -> {
          if (event.to() == LeaseState.LOST) {
            lost(lease);
          } else if (event.to() == LeaseState.GRANTED) {
            dispatch(); // back from SUSPECT: local waiters may go on
          }
        });
    CohortGrant giveUp = null;
    synchronized (this) {
      requesting = false;
      grant = lease;
      caching.granted(lease.queueChangesAtGrant());
      sequence = 0;
      handoffs.granted();
      if (waiters.isEmpty()) {
        giveUp = takeGrantIfDone();
      }
    }
    giveUp(giveUp);
    dispatch();
  }

  private void failed(Throwable failure) {
    List<CohortWaiters.Waiter> failing;
    synchronized (this) {
      requesting = false;
      failing = waiters.takeAll();
    }
    CohortWaiters.fail(
        failing,
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure);
  }

  private void lost(CohortGrant lease) {
    synchronized (this) {
      if (grant == lease) {
        grant = null;
        if (holder != null && holder.grant == lease.lease()) {
          // The holder hears LOST and holds nothing any more; its release() is then a no-op, so
          // waiting for it would leave the local waiters queued for ever.
          holder = null;
        }
      }
      askAgainIfWaiting();
    }
    retireIfIdle();
  }

  /** Under the lock: queues the local waiters in ZooKeeper again once nobody here holds. */
  private void askAgainIfWaiting() {
    if (holder == null && !waiters.isEmpty() && !requesting && !closed) {
      requesting = true;
      service.pool().execute(this::askZooKeeper);
    }
  }

  /** Another member waits: give the grant up now if nobody here holds it, else soon. */
  private void onBlocking(Lease lease, LockMode wanted) {
    CohortGrant giveUp;
    synchronized (this) {
      if (grant == null || lease != grant.lease()) {
        return; // a grant given up already
      }
      handoffs.contended();
      giveUp = holder == null ? takeGrantIfDone() : null;
    }
    giveUp(giveUp);
  }

  /** The holder released: hand over locally, or give the ZooKeeper grant up. */
  void released(CohortLease lease) {
    CohortGrant giveUp;
    synchronized (this) {
      if (holder != lease) {
        return;
      }
      holder = null;
      giveUp = takeGrantIfDone();
    }
    giveUp(giveUp);
    dispatch();
  }

  /** Under the lock: detaches and returns the grant if it must go to ZooKeeper now. */
  private CohortGrant takeGrantIfDone() {
    if (grant == null) {
      return null;
    }
    boolean unusable = !grant.usable();
    boolean yield = handoffs.mustYield(waiters.isEmpty());
    boolean notWorthKeeping = !caching.on() && holder == null && waiters.isEmpty();
    if (!unusable && !yield && !notWorthKeeping && !closed) {
      return null;
    }
    if (yield) {
      caching.yielded(sequence);
    }
    CohortGrant taken = grant;
    grant = null;
    return taken;
  }

  private void giveUp(CohortGrant lease) {
    if (lease != null) {
      lease.giveUp();
    }
    retireIfIdle();
  }

  /** Keeps the manager's map from growing with every resource ever locked. */
  private void retireIfIdle() {
    NotCaching.Since notCaching;
    synchronized (this) {
      if (grant != null || holder != null || requesting || !waiters.isEmpty() || retired) {
        return;
      }
      retired = true;
      notCaching = caching.remembered();
    }
    cohorts.retire(resource, this, notCaching);
  }

  /**
   * Under the lock: the grant if it is kept beyond its current holder (cached, or handed to a local
   * waiter next), or null. Such a grant must hear of other members' requests, to give way to them
   * within the bound; a grant that goes at its holder's release has nobody to tell, and listing the
   * queue for it would only cost a read on every cold cycle.
   */
  private CohortGrant keptBeyondHolder() {
    return grant != null && (caching.on() || (holder != null && !waiters.isEmpty())) ? grant : null;
  }

  private static void hearOtherMembers(CohortGrant kept) {
    if (kept != null) {
      kept.hearOtherMembers();
    }
  }

  /** Grants the next local waiter, or queues the waiters in ZooKeeper again. */
  private void dispatch() {
    CohortWaiters.Waiter next = null;
    CohortLease granted = null;
    boolean ask = false;
    CohortGrant hear;
    synchronized (this) {
      if (grant != null && !grant.held()) {
        grant = null; // lost before this cohort heard of it
      }
      if (holder == null && !waiters.isEmpty() && mayGrantLocally()) {
        next = waiters.next(); // null if every waiter gave up meanwhile
        granted = next == null ? null : grantLocally(next.listeners());
      } else if (holder == null && !waiters.isEmpty() && grant == null && !requesting && !closed) {
        requesting = true;
        ask = true;
      }
      hear = keptBeyondHolder();
    }
    hearOtherMembers(hear);
    if (ask) {
      askZooKeeper();
    }
    if (next != null && !next.future().complete(granted)) {
      granted.release(); // the requester gave up at this very moment
    }
  }

  /** Converting needs a lease of one's own: the holder takes the grant and leaves the cohort. */
  synchronized boolean detach(CohortLease lease) {
    if (holder != lease || grant == null || grant.lease() != lease.grant) {
      return false;
    }
    grant = null;
    holder = null;
    askAgainIfWaiting();
    return true;
  }

  void close() {
    List<CohortWaiters.Waiter> failing;
    synchronized (this) {
      closed = true;
      failing = waiters.takeAll();
    }
    CohortWaiters.fail(failing, closedFailure());
  }

  ZkLockService service() {
    return service;
  }

  String resource() {
    return resource;
  }

  private QuorateException closedFailure() {
    return new QuorateException(
        ErrorCode.CLOSED, "lock manager closed; request on '" + resource + "' failed");
  }
}
