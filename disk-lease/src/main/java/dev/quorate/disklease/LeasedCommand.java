package dev.quorate.disklease;

import dev.quorate.disklease.internal.ProcessTree;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.SelfFence;
import dev.quorate.quorum.SelfFenceReason;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VM lease: runs a command (a guest's QEMU process, or any program) only while this host holds
 * the exclusive lease of one resource, as libvirt's sanlock driver runs a guest. The command starts
 * after the lease is GRANTED; its exit releases the lease; when the lease turns LOST, the command
 * and every process it started get SIGTERM and, after the kill grace, SIGKILL. The grace must end
 * before any other host may take the lease: {@link Builder#timing} checks it against the area's
 * timing (a holder turns LOST at {@code renewal_deadline}, others may take over at {@code
 * host_expiry}, at least {@code io_timeout + renewal_interval} later).
 *
 * <p>The host's own self-fence must end the command too, because it may halt the JVM before a lease
 * listener runs, and a halted JVM leaves its children running: build the lock manager with {@link
 * #selfFence(SelfFence)}. The command sees the grant in its environment as {@code
 * QUORATE_LEASE_RESOURCE} and {@code QUORATE_LEASE_TOKEN}, for storage that checks tokens.
 *
 * <pre>{@code
 * LeasedCommand guest =
 *     LeasedCommand.builder()
 *         .resource("vm/web-1")
 *         .command(List.of("qemu-system-x86_64", "-m", "256", "-nographic"))
 *         .timing(area.timing())
 *         .build();
 * try (LockManager locks =
 *     DiskLockManager.builder()
 *         .disks(disks)
 *         .hostId(2)
 *         .hostName("node-b")
 *         .selfFence(guest.selfFence(SelfFence.exit()))
 *         .build()) {
 *   LeasedCommand.Result result = guest.run(locks);
 * }
 * }</pre>
 */
public final class LeasedCommand {
  private static final Logger LOG = LoggerFactory.getLogger(LeasedCommand.class);

  private final String resource;
  private final List<String> command;
  private final Duration killGrace;
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicReference<Process> running = new AtomicReference<>();
  private final Object killing = new Object();
  private volatile String lostBecause; // set once the lease was lost

  private LeasedCommand(Builder b) {
    this.resource = b.resource;
    this.command = b.command;
    this.killGrace = b.killGrace;
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the resource whose lease the command needs.
   *
   * @return the resource name, such as {@code vm/web-1}
   */
  public String resource() {
    return resource;
  }

  /**
   * Returns how long SIGTERM may take before SIGKILL.
   *
   * @return the kill grace
   */
  public Duration killGrace() {
    return killGrace;
  }

  /**
   * Returns a self-fence that first ends the running command's process tree, then calls {@code
   * then} (such as {@link SelfFence#exit()}). Give it to the lock manager that {@link #run} uses.
   *
   * @param then what the host does after the command has ended
   * @return the self-fence
   */
  public SelfFence selfFence(SelfFence then) {
    Objects.requireNonNull(then, "then");
    return new SelfFence() {
      @Override
      public void verify(Duration interval, Duration renewalDeadline) {
        then.verify(interval, renewalDeadline);
      }

      @Override
      public void renewed(long atNanos) {
        then.renewed(atNanos);
      }

      @Override
      public void disarm() {
        then.disarm();
      }

      @Override
      public void fence(SelfFenceReason reason, String detail) {
        leaseLost("self-fence (" + reason + "): " + detail);
        then.fence(reason, detail);
      }
    };
  }

  /**
   * Waits for the exclusive lease of the resource, runs the command while it is held and releases
   * it when the command exits. The command inherits this process's standard streams.
   *
   * @param locks the lock manager, normally a {@link DiskLockManager}
   * @return how the command ended
   * @throws InterruptedException if interrupted; the command, if started, is ended first
   * @throws QuorateException if the lease cannot be acquired, or turned SUSPECT or LOST before the
   *     command started ({@link dev.quorate.lock.LeaseLostException})
   * @throws IllegalStateException if this command is already running
   */
  public Result run(LockManager locks) throws InterruptedException {
    if (!busy.compareAndSet(false, true)) {
      throw new IllegalStateException("the command for " + resource + " is already running");
    }
    lostBecause = null;
    try (Lease lease = locks.lock(resource).acquire(LockMode.EX)) {
      lease.addListener(
          e -> {
            if (e.to() == LeaseState.LOST) {
              leaseLost("lease of " + resource + " lost: " + e.cause());
            }
          });
      Process process = start(lease);
      try {
        int status = process.waitFor();
        return new Result(status, lease.token(), Optional.ofNullable(lostBecause));
      } catch (InterruptedException e) {
        end(process, "interrupted");
        throw e;
      } finally {
        synchronized (killing) {
          running.set(null);
        }
      }
    } finally {
      busy.set(false);
    }
  }

  private Process start(Lease lease) {
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().put("QUORATE_LEASE_RESOURCE", resource);
    builder.environment().put("QUORATE_LEASE_TOKEN", lease.token().toString());
    synchronized (killing) {
      // Under the lock a loss either came before (no start) or finds the process to end.
      lease.checkValid();
      if (lostBecause != null) {
        throw new QuorateException(ErrorCode.LEASE_LOST, "not started: " + lostBecause);
      }
      try {
        Process p = builder.start();
        running.set(p);
        LOG.info(
            "{}: started {} (pid {}) with token {}", resource, command, p.pid(), lease.token());
        return p;
      } catch (IOException e) {
        throw new QuorateException(
            ErrorCode.IO_FAILURE,
            "cannot start " + command + " for " + resource + ": " + e.getMessage(),
            e);
      }
    }
  }

  /** Ends the running command, once; a second caller waits until the first has ended it. */
  private void leaseLost(String why) {
    synchronized (killing) {
      if (lostBecause == null) {
        lostBecause = why;
      }
      Process p = running.get();
      if (p != null) {
        try {
          end(p, why);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void end(Process p, String why) throws InterruptedException {
    long start = System.nanoTime();
    List<ProcessHandle> left = ProcessTree.terminate(p.toHandle(), killGrace);
    LOG.warn(
        "{}: ended {} (pid {}) in {} ms: {}",
        resource,
        command.get(0),
        p.pid(),
        (System.nanoTime() - start) / 1_000_000,
        why);
    if (!left.isEmpty()) {
      LOG.error("{}: processes still alive after SIGKILL: {}", resource, left);
    }
  }

  /**
   * How a leased command ended.
   *
   * @param exitStatus the command's exit status (128 + signal when a signal ended it)
   * @param token the fencing token of the grant it ran under
   * @param lostBecause why the lease was lost while the command ran, if it was
   */
  public record Result(int exitStatus, FencingToken token, Optional<String> lostBecause) {}

  /** Builds a {@link LeasedCommand}. */
  public static final class Builder {
    private String resource;
    private List<String> command;
    private Duration killGrace;
    private LeaseTiming timing;

    private Builder() {}

    /**
     * Sets the resource whose exclusive lease the command needs.
     *
     * @param name such as {@code vm/web-1}
     * @return this builder
     */
    public Builder resource(String name) {
      this.resource = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the command and its arguments.
     *
     * @param commandLine the program and its arguments, not empty
     * @return this builder
     */
    public Builder command(List<String> commandLine) {
      this.command = List.copyOf(commandLine);
      return this;
    }

    /**
     * Sets how long SIGTERM may take before SIGKILL; defaults to the timing's {@code io_timeout}.
     *
     * @param grace the grace, positive
     * @return this builder
     */
    public Builder killGrace(Duration grace) {
      this.killGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /**
     * Sets the lease area's timing, against which the kill grace is checked.
     *
     * @param areaTiming the timing stored in the area ({@link LeaseArea#timing()})
     * @return this builder
     */
    public Builder timing(LeaseTiming areaTiming) {
      this.timing = Objects.requireNonNull(areaTiming, "areaTiming");
      return this;
    }

    /**
     * Builds the leased command.
     *
     * @return the command, not yet running
     * @throws ConfigurationException if the resource or command is missing, no grace or timing is
     *     given, or the grace does not end before others may take the lease, naming the numbers
     */
    public LeasedCommand build() {
      if (resource == null || resource.isBlank()) {
        throw new ConfigurationException("leased command: no resource given");
      }
      if (command == null || command.isEmpty()) {
        throw new ConfigurationException("leased command for " + resource + ": no command given");
      }
      if (killGrace == null && timing == null) {
        throw new ConfigurationException(
            "leased command for " + resource + ": give the area's timing or a kill grace");
      }
      if (killGrace == null) {
        killGrace = timing.ioTimeout();
      }
      if (killGrace.isNegative() || killGrace.isZero()) {
        throw new ConfigurationException(
            "leased command for " + resource + ": kill grace " + killGrace + " must be positive");
      }
      if (timing != null) {
        // LOST comes at renewal_deadline; others may take over at host_expiry. The grace must
        // leave room for the lease event to arrive and for SIGKILL within that margin.
        Duration margin = timing.hostExpiry().minus(timing.renewalDeadline());
        Duration most = margin.minus(timing.ioTimeout());
        if (killGrace.compareTo(most) > 0) {
          throw new ConfigurationException(
              "leased command for "
                  + resource
                  + ": kill grace "
                  + killGrace.toMillis()
                  + " ms exceeds host_expiry "
                  + timing.hostExpiry().toMillis()
                  + " ms - renewal_deadline "
                  + timing.renewalDeadline().toMillis()
                  + " ms - io_timeout "
                  + timing.ioTimeout().toMillis()
                  + " ms = "
                  + most.toMillis()
                  + " ms: the command could outlive the lease");
        }
      }
      return new LeasedCommand(this);
    }
  }
}
