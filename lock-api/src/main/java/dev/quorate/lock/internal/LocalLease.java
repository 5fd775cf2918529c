package dev.quorate.lock.internal;

import dev.quorate.lock.BlockingCallback;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseListener;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.ValueBlock;
import dev.quorate.lock.spi.LeaseEvents;
import dev.quorate.lock.spi.Requests;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A request of the in-process manager, and once granted, its lease. All fields but the listeners
 * are written under the lock of its {@link ResourceQueue}.
 */
final class LocalLease implements Lease {
  /** The life of a request; a lease is visible to its holder only from GRANTED on. */
  enum Phase {
    WAITING,
    GRANTED,
    WITHDRAWN,
    RELEASED,
    LOST
  }

  private final InProcessLockManager manager;
  private final ResourceQueue queue;
  private final BlockingCallback blockingCallback;
  private final LeaseEvents events;
  final CompletableFuture<Lease> granted = new CompletableFuture<>();

  volatile Phase phase = Phase.WAITING;
  volatile LockMode mode;
  volatile FencingToken token;

  /** The token an up-conversion replaced, or null: a revocation asked for it names the new one. */
  volatile FencingToken superseded;

  volatile ValueBlock valueBlock = ValueBlock.empty();

  /** Who asked: the requesting thread's name, for {@link LockManager#inspect}. */
  final String member = Thread.currentThread().getName();

  /** When the request was queued, then when it was last granted; for display only. */
  volatile Instant since = Instant.now();

  ValueBlock staged;
  LockMode converting;
  Instant conversionSince;
  CompletableFuture<Lease> conversion;

  LocalLease(
      InProcessLockManager manager, ResourceQueue queue, LockMode mode, LockOptions options) {
    this.manager = manager;
    this.queue = queue;
    this.mode = mode;
    this.blockingCallback = options.blockingCallback().orElse(null);
    this.events = new LeaseEvents(this, manager.callbackExecutor(), options.listeners());
  }

  InProcessLockManager manager() {
    return manager;
  }

  /** The mode this request waits for: the requested mode, or the target of a conversion. */
  LockMode wanted() {
    return converting != null ? converting : mode;
  }

  /** Queues a transition for the listeners; called under the queue lock to keep order. */
  void emit(LeaseState from, LeaseState to, String cause) {
    events.emit(from, to, cause);
  }

  /** Tells this holder a request for {@code requested} waits on it; under the queue lock. */
  void notifyBlocking(LockMode requested) {
    if (blockingCallback != null) {
      events.blocking(blockingCallback, requested);
    }
  }

  @Override
  public String resource() {
    return queue.name;
  }

  @Override
  public LockMode mode() {
    return mode;
  }

  @Override
  public FencingToken token() {
    return token;
  }

  @Override
  public LeaseState state() {
    return switch (phase) {
      case WAITING, GRANTED -> LeaseState.GRANTED;
      case RELEASED, WITHDRAWN -> LeaseState.RELEASED;
      case LOST -> LeaseState.LOST;
    };
  }

  @Override
  public void checkValid() {
    Phase now = phase;
    if (now != Phase.GRANTED) {
      throw notGranted(now);
    }
  }

  LeaseLostException notGranted(Phase now) {
    return now == Phase.LOST
        ? new LeaseLostException(
            ErrorCode.LEASE_LOST, "lease on '" + resource() + "' (token " + token + ") is lost")
        : new LeaseLostException(
            ErrorCode.LEASE_RELEASED,
            "lease on '" + resource() + "' (token " + token + ") was released");
  }

  @Override
  public ValueBlock valueBlock() {
    return valueBlock;
  }

  @Override
  public void setValueBlock(ValueBlock value) {
    Objects.requireNonNull(value, "value");
    manager.stage(this, value);
  }

  @Override
  public void convert(LockMode target) throws InterruptedException {
    Objects.requireNonNull(target, "mode");
    Requests.awaitConversion(manager.convert(this, target, null));
  }

  @Override
  public boolean tryConvert(LockMode target, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(target, "mode");
    Requests.checkTimeout(timeout);
    return Requests.awaitConversionWithin(manager.convert(this, target, timeout), timeout);
  }

  @Override
  public CompletableFuture<Lease> convertAsync(LockMode target) {
    Objects.requireNonNull(target, "mode");
    return manager.convert(this, target, null);
  }

  @Override
  public void addListener(LeaseListener listener) {
    events.add(listener);
  }

  @Override
  public void removeListener(LeaseListener listener) {
    events.remove(listener);
  }

  @Override
  public void release() {
    manager.release(this);
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "Lease[" + resource() + ", " + mode + ", token " + token + ", " + state() + "]";
  }
}
