package dev.quorate.lock.internal;

import dev.quorate.lock.ConversionDeadlockException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Revocation;
import dev.quorate.lock.ValueBlock;
import dev.quorate.lock.spi.Revocations;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The grant, conversion and wait queues of one resource, in the VMS DLM model. Every method but the
 * constructor must be called with {@link #lock} held; methods that complete futures or call user
 * code add that work to {@code effects}, which the caller runs after unlocking.
 */
final class ResourceQueue {
  final String name;
  final ReentrantLock lock = new ReentrantLock();

  /** Set when removed from the manager's map; a caller that finds it set must look again. */
  boolean retired;

  private final Supplier<FencingToken> tokens;
  private final List<LocalLease> granted = new ArrayList<>();
  private final ArrayDeque<LocalLease> conversions = new ArrayDeque<>();
  private final ArrayDeque<LocalLease> waiting = new ArrayDeque<>();
  private ValueBlock value = ValueBlock.empty();

  ResourceQueue(String name, Supplier<FencingToken> tokens) {
    this.name = name;
    this.tokens = tokens;
  }

  boolean isIdle() {
    return granted.isEmpty() && waiting.isEmpty();
  }

  /** Queues a new request and grants whatever can be granted. */
  void enqueue(LocalLease request, List<Runnable> effects) {
    waiting.add(request);
    grantWhatCan(effects);
    if (request.phase == LocalLease.Phase.WAITING) {
      notifyBlockers(request);
    }
  }

  /** Removes a request that was not granted (timed out, cancelled, interrupted). */
  void withdraw(LocalLease request, List<Runnable> effects) {
    if (request.phase == LocalLease.Phase.WAITING) {
      waiting.remove(request);
      request.phase = LocalLease.Phase.WITHDRAWN;
      // A withdrawn waiter may have been all that held back compatible requests behind it.
      grantWhatCan(effects);
    } else if (request.phase == LocalLease.Phase.GRANTED) {
      // Granted at the moment the requester gave up: nobody will ever hold it.
      release(request, effects);
    }
  }

  /**
   * Starts a conversion that completes {@code future}: at once for a no-op or a down-conversion,
   * else when granted.
   *
   * @throws LeaseLostException if the lease is not granted
   * @throws ConversionDeadlockException if the conversion would deadlock
   * @throws IllegalStateException if another conversion of the lease is pending
   */
  void convert(
      LocalLease lease, LockMode target, CompletableFuture<Lease> future, List<Runnable> effects) {
    if (lease.phase != LocalLease.Phase.GRANTED) {
      throw lease.notGranted(lease.phase);
    }
    if (lease.converting != null) {
      throw new IllegalStateException(
          "a conversion of " + lease + " to " + lease.converting + " is already pending");
    }
    LockMode from = lease.mode;
    if (from.covers(target)) {
      writeValueIfLeaving(lease, target);
      lease.mode = target;
      effects.add(() -> future.complete(lease));
      grantWhatCan(effects);
      return;
    }
    lease.converting = target;
    lease.conversion = future;
    lease.conversionSince = Instant.now();
    conversions.add(lease);
    if (deadlocks(lease)) {
      conversions.remove(lease);
      lease.converting = null;
      lease.conversion = null;
      throw new ConversionDeadlockException(name, from, target);
    }
    grantWhatCan(effects);
    if (lease.converting != null) {
      notifyBlockers(lease);
    }
  }

  /**
   * Withdraws the conversion that would complete {@code future}; the lease keeps its mode.
   *
   * @return true if it was pending and is now withdrawn, false if granted or failed already
   */
  boolean cancelConversion(
      LocalLease lease, CompletableFuture<Lease> future, List<Runnable> effects) {
    if (lease.conversion != future || !conversions.remove(lease)) {
      return false;
    }
    lease.converting = null;
    lease.conversion = null;
    grantWhatCan(effects);
    return true;
  }

  void stage(LocalLease lease, ValueBlock staged) {
    if (lease.phase != LocalLease.Phase.GRANTED) {
      throw lease.notGranted(lease.phase);
    }
    if (!lease.mode.writesValueBlock()) {
      throw new IllegalStateException(
          "only a PW or EX holder may set the value block of '" + name + "', held: " + lease.mode);
    }
    lease.staged = staged;
    lease.valueBlock = staged;
  }

  void release(LocalLease lease, List<Runnable> effects) {
    if (lease.phase != LocalLease.Phase.GRANTED) {
      return;
    }
    if (lease.converting != null) {
      failConversion(lease, releasedDuringConversion(lease), effects);
    }
    writeValueIfLeaving(lease, LockMode.NL);
    granted.remove(lease);
    lease.phase = LocalLease.Phase.RELEASED;
    lease.emit(LeaseState.GRANTED, LeaseState.RELEASED, "released by holder");
    grantWhatCan(effects);
  }

  /**
   * Turns the lease granted with {@code token} LOST, as if its holder had vanished, and grants what
   * can be granted now; its staged value block is dropped.
   *
   * @return the revoked lease, or empty if no lease holds {@code token}
   */
  Optional<LocalLease> revoke(FencingToken token, String cause, List<Runnable> effects) {
    for (LocalLease lease : granted) {
      if (lease.token.equals(token)) {
        failConversion(lease, new LeaseLostException(ErrorCode.LEASE_LOST, cause), effects);
        granted.remove(lease);
        lease.staged = null;
        lease.phase = LocalLease.Phase.LOST;
        lease.emit(LeaseState.GRANTED, LeaseState.LOST, cause);
        grantWhatCan(effects);
        return Optional.of(lease);
      }
    }
    return Optional.empty();
  }

  /** Why nothing holds {@code token}: superseded by an up-conversion, or held by nobody. */
  QuorateException nothingToRevoke(FencingToken token) {
    for (LocalLease lease : granted) {
      if (token.equals(lease.superseded)) {
        return Revocations.superseded(name, token, lease.token, lease.mode);
      }
    }
    return Revocations.nothingToRevoke(name, token, granted.stream().map(l -> l.token).toList());
  }

  /** The holders, then the waiting conversions and requests in the order they are considered. */
  LockInspection inspect(List<Revocation> revocations) {
    List<LockInspection.Holder> holders = new ArrayList<>();
    for (LocalLease lease : granted) {
      holders.add(new LockInspection.Holder(lease.member, lease.mode, lease.token, lease.since));
    }
    List<LockInspection.Waiter> queue = new ArrayList<>();
    for (LocalLease lease : conversions) {
      queue.add(new LockInspection.Waiter(lease.member, lease.converting, lease.conversionSince));
    }
    for (LocalLease request : waiting) {
      queue.add(new LockInspection.Waiter(request.member, request.mode, request.since));
    }
    return new LockInspection(name, holders, queue, revocations);
  }

  /** Fails every request and loses every lease; used when the manager closes. */
  void closeAll(List<Runnable> effects) {
    for (LocalLease request : waiting) {
      request.phase = LocalLease.Phase.WITHDRAWN;
      QuorateException closed = closed();
      effects.add(() -> request.granted.completeExceptionally(closed));
    }
    waiting.clear();
    for (LocalLease lease : granted) {
      failConversion(lease, closed(), effects);
      lease.phase = LocalLease.Phase.LOST;
      lease.emit(LeaseState.GRANTED, LeaseState.LOST, "lock manager closed");
    }
    granted.clear();
  }

  private QuorateException closed() {
    return new QuorateException(
        ErrorCode.CLOSED, "lock manager closed; request on '" + name + "' failed");
  }

  private static LeaseLostException releasedDuringConversion(LocalLease lease) {
    return new LeaseLostException(
        ErrorCode.LEASE_RELEASED, "lease " + lease + " was released while converting");
  }

  private void failConversion(LocalLease lease, QuorateException why, List<Runnable> effects) {
    if (lease.converting == null) {
      return;
    }
    conversions.remove(lease);
    var future = lease.conversion;
    lease.converting = null;
    lease.conversion = null;
    if (future != null) {
      effects.add(() -> future.completeExceptionally(why));
    }
  }

  private void writeValueIfLeaving(LocalLease lease, LockMode target) {
    // VMS: a PW or EX holder's value is written on release and on any down-conversion.
    if (lease.staged != null && lease.mode.writesValueBlock() && target != lease.mode) {
      value = lease.staged;
      lease.staged = null;
    }
  }

  /**
   * Grants, in queue order, every conversion and then every new request that is compatible with all
   * granted modes and with every request still waiting ahead of it. A granted conversion may lift a
   * constraint (PR to CW no longer conflicts with CW), so passes repeat until one grants no
   * conversion; then every lease granted here is told which waiters it blocks.
   */
  private void grantWhatCan(List<Runnable> effects) {
    List<LocalLease> grantedNow = new ArrayList<>();
    boolean convertedAny;
    do {
      convertedAny = false;
      List<LockMode> waitingAhead = new ArrayList<>();
      for (Iterator<LocalLease> it = conversions.iterator(); it.hasNext(); ) {
        LocalLease lease = it.next();
        LockMode target = lease.converting;
        if (compatibleWithGranted(target, lease) && compatibleWithAll(target, waitingAhead)) {
          it.remove();
          grantConversion(lease, effects);
          grantedNow.add(lease);
          convertedAny = true;
        } else {
          waitingAhead.add(target);
        }
      }
      for (Iterator<LocalLease> it = waiting.iterator(); it.hasNext(); ) {
        LocalLease request = it.next();
        LockMode wanted = request.mode;
        if (compatibleWithGranted(wanted, request) && compatibleWithAll(wanted, waitingAhead)) {
          it.remove();
          grantRequest(request, effects);
          grantedNow.add(request);
        } else {
          waitingAhead.add(wanted);
        }
      }
    } while (convertedAny);
    for (LocalLease holder : grantedNow) {
      notifyHolderOfWaiters(holder);
    }
  }

  private void grantConversion(LocalLease lease, List<Runnable> effects) {
    lease.mode = lease.converting;
    lease.converting = null;
    lease.superseded = lease.token;
    lease.token = tokens.get();
    lease.since = Instant.now();
    lease.valueBlock = lease.staged != null ? lease.staged : value;
    var future = lease.conversion;
    lease.conversion = null;
    if (future != null) {
      effects.add(() -> future.complete(lease));
    }
  }

  private void grantRequest(LocalLease request, List<Runnable> effects) {
    granted.add(request);
    request.phase = LocalLease.Phase.GRANTED;
    request.token = tokens.get();
    request.since = Instant.now();
    request.valueBlock = value;
    effects.add(
        () -> {
          if (!request.granted.complete(request)) {
            // The requester gave up at this very moment; nobody will hold the grant.
            request.release();
          }
        });
  }

  private boolean compatibleWithGranted(LockMode wanted, LocalLease self) {
    for (LocalLease holder : granted) {
      if (holder != self && !holder.mode.compatibleWith(wanted)) {
        return false;
      }
    }
    return true;
  }

  private static boolean compatibleWithAll(LockMode wanted, List<LockMode> modes) {
    for (LockMode mode : modes) {
      if (!mode.compatibleWith(wanted)) {
        return false;
      }
    }
    return true;
  }

  /** Sends a blocking callback to every holder whose mode keeps {@code waiter} waiting. */
  private void notifyBlockers(LocalLease waiter) {
    LockMode wanted = waiter.wanted();
    for (LocalLease holder : granted) {
      if (holder != waiter && !holder.mode.compatibleWith(wanted)) {
        holder.notifyBlocking(wanted);
      }
    }
  }

  /** After {@code holder} was granted (or converted), tells it which waiters it now blocks. */
  private void notifyHolderOfWaiters(LocalLease holder) {
    for (LocalLease waiter : conversions) {
      if (!holder.mode.compatibleWith(waiter.converting)) {
        holder.notifyBlocking(waiter.converting);
      }
    }
    for (LocalLease waiter : waiting) {
      if (!holder.mode.compatibleWith(waiter.mode)) {
        holder.notifyBlocking(waiter.mode);
      }
    }
  }

  /**
   * Says whether the conversion of {@code start} closes a cycle of waits. A converting lease waits
   * on every other holder whose granted mode is incompatible with its target, and on every
   * conversion ahead of it with an incompatible target. Holders that are not converting will
   * release eventually, so only chains of conversions can deadlock.
   */
  private boolean deadlocks(LocalLease start) {
    Set<LocalLease> visited = new HashSet<>();
    ArrayDeque<LocalLease> stack = new ArrayDeque<>();
    stack.push(start);
    while (!stack.isEmpty()) {
      LocalLease current = stack.pop();
      for (LocalLease next : waitsOn(current)) {
        if (next == start) {
          return true;
        }
        if (next.converting != null && visited.add(next)) {
          stack.push(next);
        }
      }
    }
    return false;
  }

  private List<LocalLease> waitsOn(LocalLease converting) {
    List<LocalLease> result = new ArrayList<>();
    LockMode target = converting.converting;
    for (LocalLease holder : granted) {
      if (holder != converting && !holder.mode.compatibleWith(target)) {
        result.add(holder);
      }
    }
    for (LocalLease ahead : conversions) {
      if (ahead == converting) {
        break;
      }
      if (!ahead.converting.compatibleWith(target)) {
        result.add(ahead);
      }
    }
    return result;
  }
}
