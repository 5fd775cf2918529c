package dev.quorate.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a {@link Lock}: how long {@link Lock#acquire} waits, and the {@link BlockingCallback}
 * and {@link LeaseListener}s its leases get. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * LockOptions options = LockOptions.builder()
 *     .acquireTimeout(Duration.ofSeconds(30))
 *     .onBlocking((lease, wanted) -> lease.release())
 *     .listener(event -> log.info("{} is {}", event.lease(), event.to()))
 *     .build();
 * Lock lock = manager.lock("vm/web-1", options);
 * }</pre>
 */
public final class LockOptions {
  private static final LockOptions DEFAULTS = builder().build();

  private final Duration acquireTimeout;
  private final BlockingCallback blockingCallback;
  private final RecoveryGate recoveryGate;
  private final List<LeaseListener> listeners;

  private LockOptions(Builder builder) {
    this.acquireTimeout = builder.acquireTimeout;
    this.blockingCallback = builder.blockingCallback;
    this.recoveryGate = builder.recoveryGate;
    this.listeners = List.copyOf(builder.listeners);
  }

  /**
   * Returns the defaults: {@link Lock#acquire} waits without a bound, no blocking callback.
   *
   * @return the default options
   */
  public static LockOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns how long {@link Lock#acquire} and {@link Lock#acquireAsync} wait before failing with
   * {@link LockTimeoutException}; empty means without a bound.
   *
   * @return the timeout, if any
   */
  public Optional<Duration> acquireTimeout() {
    return Optional.ofNullable(acquireTimeout);
  }

  /**
   * Returns the callback every lease of the lock gets, if any.
   *
   * @return the blocking callback, if any
   */
  public Optional<BlockingCallback> blockingCallback() {
    return Optional.ofNullable(blockingCallback);
  }

  /**
   * Returns the listeners every lease of the lock has from its grant on, so that they hear every
   * transition (one added with {@link Lease#addListener} after the grant may miss the first ones).
   *
   * @return the listeners, in the order given; empty by default
   */
  public List<LeaseListener> listeners() {
    return listeners;
  }

  /**
   * Returns the gate asked before a lost holder's lock is granted to another member, if any; by
   * default there is none and a lost holder's lock passes on at once.
   *
   * @return the recovery gate, if any
   */
  public Optional<RecoveryGate> recoveryGate() {
    return Optional.ofNullable(recoveryGate);
  }

  @Override
  public String toString() {
    return "LockOptions[acquireTimeout="
        + (acquireTimeout == null ? "none" : acquireTimeout)
        + ", blockingCallback="
        + (blockingCallback != null)
        + ", recoveryGate="
        + (recoveryGate != null)
        + ", listeners="
        + listeners.size()
        + "]";
  }

  /** Builds {@link LockOptions}. Not thread-safe; {@link #build()} may be called repeatedly. */
  public static final class Builder {
    private Duration acquireTimeout;
    private BlockingCallback blockingCallback;
    private RecoveryGate recoveryGate;
    private final List<LeaseListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Sets how long {@link Lock#acquire} waits.
     *
     * @param timeout a positive duration or zero (do not wait at all)
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Builder acquireTimeout(Duration timeout) {
      this.acquireTimeout = requireNotNegative(timeout, "acquireTimeout");
      return this;
    }

    /**
     * Sets the callback that tells holders someone waits for an incompatible mode.
     *
     * @param callback the callback
     * @return this builder
     */
    public Builder onBlocking(BlockingCallback callback) {
      this.blockingCallback = Objects.requireNonNull(callback, "callback");
      return this;
    }

    /**
     * Adds a listener that every lease of the lock has from the moment it is granted, before the
     * lease reaches its holder: it hears every transition of the lease, exactly once, in order.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(LeaseListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Sets the gate asked before the lock of a lost holder (not cleanly released) is granted to
     * another member. Needed for storage that checks no {@link FencingToken}; optional behind a
     * {@link TokenGuard}.
     *
     * @param gate the gate
     * @return this builder
     */
    public Builder recoveryGate(RecoveryGate gate) {
      this.recoveryGate = Objects.requireNonNull(gate, "gate");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return immutable options
     */
    public LockOptions build() {
      return new LockOptions(this);
    }
  }

  static Duration requireNotNegative(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + duration);
    }
    return duration;
  }
}
