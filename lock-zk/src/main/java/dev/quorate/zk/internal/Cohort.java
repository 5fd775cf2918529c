package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The EX requests of one member for one resource: one ZooKeeper grant (one lock node) shared by the
 * member's threads, which queue here in memory and hand the lock to each other without ZooKeeper
 * traffic. After the last local release the member keeps the grant (node-level caching, the DLM
 * model) until its blocking callback says another member waits; then it makes at most {@code
 * handoffBound} more local grants and gives the node up. Local waiters left over queue again in
 * ZooKeeper, behind the member that asked. Each local grant's token is the node's czxid with a
 * local sequence as {@code minor}, so tokens stay strictly increasing.
 *
 * <p>State is guarded by {@code this}; futures are completed and ZooKeeper is called outside it.
 */
final class Cohort {
  private final ZkLockService service;
  private final String resource;
  private final int handoffBound;

  private ZkLease grant;

  /** A grant whose blocking callback came before the grant itself reached this cohort. */
  private Lease blockedEarly;

  private boolean requesting;
  private CohortLease holder;
  private final ArrayDeque<CompletableFuture<Lease>> waiters = new ArrayDeque<>();
  private long sequence;
  private boolean contended;
  private int handoffsWhileContended;
  private boolean closed;

  /**
   * Whether a grant is kept after the last local release. Off after a grant that served one local
   * holder only and then had to go to another member (keeping it only made that member wait for a
   * callback); on again as soon as a new grant shows that nobody else touched the queue since our
   * last one, which {@link #queueChangesAtLastGrant} tells: our delete and our create are then the
   * only two changes in between.
   */
  private boolean caching = true;

  private int queueChangesAtLastGrant = -1;

  /**
   * Grants not cached since caching stopped. Every {@link #PROBE_EVERY}th is cached again as a
   * probe: under steady contention a grant that is kept may serve several local holders before the
   * callback comes (then caching is on again), which the queue's child version cannot show.
   */
  private int uncachedGrants;

  private static final int PROBE_EVERY = 8;

  /** Left the manager's map when idle; a request that still finds it goes to a new cohort. */
  private boolean retired;

  /** What a cohort answers a request. */
  sealed interface Answer permits Local, ToZooKeeper, Retired {}

  /**
   * Served by this cohort.
   *
   * @param lease completed with the local grant, or exceptionally
   */
  record Local(CompletableFuture<Lease> lease) implements Answer {}

  /** Not for a cohort: a try-once request while the member holds no grant; ask ZooKeeper. */
  record ToZooKeeper() implements Answer {}

  /** This cohort left the manager's map when idle: ask the one that replaced it. */
  record Retired() implements Answer {}

  private static final Answer TO_ZOOKEEPER = new ToZooKeeper();
  private static final Answer RETIRED = new Retired();

  /**
   * @param notCaching if not null, a retired cohort of this resource had stopped caching
   */
  Cohort(ZkLockService service, String resource, int handoffBound, NotCaching.Since notCaching) {
    this.service = service;
    this.resource = resource;
    this.handoffBound = handoffBound;
    if (notCaching != null) {
      caching = false;
      queueChangesAtLastGrant = notCaching.queueChanges();
      uncachedGrants = notCaching.uncachedGrants();
    }
  }

  /** Takes a local request, unless it is not for this cohort. */
  Answer request(boolean tryOnce) {
    CompletableFuture<Lease> future = new CompletableFuture<>();
    boolean ask = false;
    synchronized (this) {
      if (retired) {
        return RETIRED;
      }
      if (closed) {
        future.completeExceptionally(closedFailure());
        return new Local(future);
      }
      if (holder == null && waiters.isEmpty() && mayGrantLocally()) {
        future.complete(grantLocally());
        return new Local(future);
      }
      if (tryOnce) {
        if (grant == null && !requesting) {
          return TO_ZOOKEEPER;
        }
        future.completeExceptionally(
            new LockTimeoutException(resource, LockMode.EX, Duration.ZERO));
        return new Local(future);
      }
      waiters.add(future);
      if (grant == null && !requesting) {
        requesting = true;
        ask = true;
      }
    }
    future.whenComplete(
        (lease, failure) -> {
          if (failure != null) {
            withdrawn(future);
          }
        });
    if (ask) {
      askZooKeeper();
    }
    return new Local(future);
  }

  private boolean mayGrantLocally() {
    return grant != null
        && grant.state() == LeaseState.GRANTED
        && (!contended || handoffsWhileContended < handoffBound);
  }

  private CohortLease grantLocally() {
    if (contended) {
      handoffsWhileContended++;
      service.handedOffWhileContended(handoffsWhileContended);
    }
    if (sequence > 0) {
      service.cachedGrant(); // the node served a holder before: this grant cost no ZooKeeper call
    }
    holder = new CohortLease(this, grant, sequence++);
    return holder;
  }

  private void askZooKeeper() {
    LockOptions options = LockOptions.builder().onBlocking(this::onBlocking).build();
    CompletableFuture<Lease> request;
    try {
      request = service.requestFromZooKeeper(resource, LockMode.EX, options, null, false);
    } catch (RuntimeException e) {
      failed(e);
      return;
    }
    request.whenComplete(
        (lease, failure) -> {
          if (failure != null) {
            failed(failure);
          } else {
            granted((ZkLease) lease);
          }
        });
  }

  private void granted(ZkLease lease) {
    lease.addListener(
        event -> {
          if (event.to() == LeaseState.LOST) {
            lost(lease);
          } else if (event.to() == LeaseState.GRANTED) {
            dispatch(); // back from SUSPECT: local waiters may go on
          }
        });
    ZkLease giveUp = null;
    synchronized (this) {
      requesting = false;
      grant = lease;
      int changes = lease.queueChangesAtGrant;
      if (!caching && queueChangesAtLastGrant >= 0 && changes == queueChangesAtLastGrant + 2) {
        caching = true;
      } else if (!caching && ++uncachedGrants >= PROBE_EVERY) {
        caching = true;
      }
      if (caching) {
        uncachedGrants = 0;
      }
      queueChangesAtLastGrant = changes;
      sequence = 0;
      contended = blockedEarly == lease;
      blockedEarly = null;
      handoffsWhileContended = 0;
      if (waiters.isEmpty()) {
        giveUp = takeGrantIfDone();
      }
    }
    giveUp(giveUp);
    dispatch();
  }

  private void failed(Throwable failure) {
    List<CompletableFuture<Lease>> failing;
    synchronized (this) {
      requesting = false;
      failing = new ArrayList<>(waiters);
      waiters.clear();
    }
    Throwable cause =
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    failing.forEach(waiter -> waiter.completeExceptionally(cause));
  }

  private void lost(ZkLease lease) {
    synchronized (this) {
      if (grant == lease) {
        grant = null;
        if (holder != null && holder.grant == lease) {
          // The holder hears LOST and holds nothing any more; its release() is then a no-op, so
          // waiting for it would leave the local waiters queued for ever.
          holder = null;
        }
      }
      if (holder == null && !waiters.isEmpty() && !requesting && !closed) {
        requesting = true;
        service.pool().execute(this::askZooKeeper);
      }
    }
    retireIfIdle();
  }

  private synchronized void withdrawn(CompletableFuture<Lease> waiter) {
    waiters.remove(waiter);
  }

  /** Another member waits: give the grant up now if nobody here holds it, else soon. */
  private void onBlocking(Lease lease, LockMode wanted) {
    ZkLease giveUp;
    synchronized (this) {
      if (lease != grant) {
        if (grant == null && requesting) {
          blockedEarly = lease;
        }
        return;
      }
      contended = true;
      giveUp = holder == null ? takeGrantIfDone() : null;
    }
    giveUp(giveUp);
  }

  /** The holder released: hand over locally, or give the ZooKeeper grant up. */
  void released(CohortLease lease) {
    ZkLease giveUp;
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
  private ZkLease takeGrantIfDone() {
    if (grant == null) {
      return null;
    }
    boolean unusable = grant.state() != LeaseState.GRANTED;
    boolean yield = contended && (waiters.isEmpty() || handoffsWhileContended >= handoffBound);
    boolean notWorthKeeping = !caching && holder == null && waiters.isEmpty();
    if (!unusable && !yield && !notWorthKeeping && !closed) {
      return null;
    }
    if (yield) {
      caching = sequence > 1;
    }
    ZkLease taken = grant;
    grant = null;
    return taken;
  }

  private void giveUp(ZkLease lease) {
    if (lease != null) {
      lease.release();
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
      notCaching = caching ? null : new NotCaching.Since(queueChangesAtLastGrant, uncachedGrants);
    }
    service.retire(resource, this, notCaching);
  }

  /** Grants the next local waiter, or queues the waiters in ZooKeeper again. */
  private void dispatch() {
    CompletableFuture<Lease> next = null;
    CohortLease granted = null;
    boolean ask = false;
    synchronized (this) {
      if (grant != null && !grant.isHeld()) {
        grant = null; // lost before this cohort heard of it
      }
      while (holder == null && !waiters.isEmpty()) {
        if (!mayGrantLocally()) {
          if (grant == null && !requesting && !closed) {
            requesting = true;
            ask = true;
          }
          break;
        }
        next = waiters.poll();
        if (!next.isDone()) {
          granted = grantLocally();
          break;
        }
        next = null;
      }
    }
    if (ask) {
      askZooKeeper();
    }
    if (next != null && !next.complete(granted)) {
      granted.release(); // the requester gave up at this very moment
    }
  }

  /** Converting needs a lease of one's own: the holder takes the grant and leaves the cohort. */
  synchronized boolean detach(CohortLease lease) {
    if (holder != lease || grant != lease.grant) {
      return false;
    }
    grant = null;
    holder = null;
    if (!waiters.isEmpty() && !requesting && !closed) {
      requesting = true;
      service.pool().execute(this::askZooKeeper);
    }
    return true;
  }

  void close() {
    List<CompletableFuture<Lease>> failing;
    synchronized (this) {
      closed = true;
      failing = new ArrayList<>(waiters);
      waiters.clear();
    }
    failing.forEach(waiter -> waiter.completeExceptionally(closedFailure()));
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
