package dev.quorate.vm.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.vm.Accel;
import dev.quorate.vm.ConsoleLine;
import dev.quorate.vm.GuestStatus;
import dev.quorate.vm.MigrationResult;
import dev.quorate.vm.QemuGuest;
import dev.quorate.vm.QemuGuestBuilder;
import dev.quorate.vm.VmException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

/** A {@link QemuGuest} as a child QEMU process. */
public final class QemuProcess implements QemuGuest {
  private enum State {
    NEW,
    STARTING,
    STARTED,
    CLOSED
  }

  private final QemuConfig config;
  private final Function<QemuConfig, QemuGuestBuilder> toBuilder;
  private final ConsoleLog console;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private volatile Process process;
  private volatile QmpClient qmp;
  private volatile StderrTail stderr;
  private volatile Accel inUse;

  /**
   * Creates a guest that is not started yet.
   *
   * @param config the settings
   * @param toBuilder makes a builder from settings, for {@link #toBuilder()}
   */
  public QemuProcess(QemuConfig config, Function<QemuConfig, QemuGuestBuilder> toBuilder) {
    this.config = config;
    this.toBuilder = toBuilder;
    this.console = new ConsoleLog(config.name());
  }

  @Override
  public QemuGuestBuilder toBuilder() {
    return toBuilder.apply(config);
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public void start() throws InterruptedException {
    if (!state.compareAndSet(State.NEW, State.STARTING)) {
      throw new VmException(
          ErrorCode.INVALID_CONFIGURATION, "guest " + name() + " was already started");
    }
    boolean kvm =
        switch (config.accel()) {
          case TCG -> false;
          case KVM -> true;
          case AUTO -> KvmProbe.works(config.qemuBinary(), config.kernel(), config.initrd());
        };
    inUse = kvm ? Accel.KVM : Accel.TCG;
    ServerSocketChannel server = null;
    try {
      Files.createDirectories(config.runtimeDir());
      for (Path p : List.of(config.ownerSocket(), config.qmpSocket(), config.migrationSocket())) {
        Files.deleteIfExists(p);
      }
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(config.ownerSocket()));
      List<String> command = config.command(kvm);
      process = new ProcessBuilder(command).start();
      stderr = StderrTail.follow(process.getErrorStream(), "qemu-stderr-" + name());
      console.follow(process.getInputStream());
      SocketChannel channel = accept(server);
      try {
        qmp = QmpClient.open(name(), channel, config.commandTimeout());
      } catch (VmException e) {
        // QEMU connects its monitor before it opens the disk: a bad disk closes the monitor
        // at once, and QEMU's stderr says why.
        if (process.waitFor(2, TimeUnit.SECONDS)) {
          throw new VmException(
              ErrorCode.IO_FAILURE,
              "QEMU for "
                  + name()
                  + " exited with "
                  + process.exitValue()
                  + " while starting: "
                  + stderr.text(Duration.ofSeconds(2)),
              e);
        }
        throw e;
      }
      state.set(State.STARTED);
    } catch (IOException e) {
      kill(process);
      throw new VmException(
          ErrorCode.IO_FAILURE,
          "cannot start QEMU for " + name() + " (" + config.qemuBinary() + "): " + e.getMessage(),
          e);
    } catch (VmException | InterruptedException e) {
      kill(process);
      throw e;
    } finally {
      if (server != null) {
        try {
          server.close();
          Files.deleteIfExists(config.ownerSocket());
        } catch (IOException e) {
          // The listening socket is only needed until QEMU connected.
        }
      }
    }
  }

  private SocketChannel accept(ServerSocketChannel server) throws InterruptedException {
    CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
    Thread acceptor =
        new Thread(
            () -> {
              try {
                accepted.complete(server.accept());
              } catch (IOException e) {
                accepted.completeExceptionally(e);
              }
            },
            "qmp-accept-" + name());
    acceptor.setDaemon(true);
    acceptor.start();
    CompletableFuture<Object> first = CompletableFuture.anyOf(accepted, process.onExit());
    try {
      first.get(config.startTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new VmException(
          ErrorCode.LOCK_TIMEOUT,
          "QEMU for " + name() + " did not connect its monitor within " + config.startTimeout());
    } catch (java.util.concurrent.ExecutionException e) {
      throw new VmException(
          ErrorCode.IO_FAILURE, "accepting QEMU's monitor for " + name() + " failed", e);
    }
    if (!accepted.isDone()) {
      throw new VmException(
          ErrorCode.IO_FAILURE,
          "QEMU for "
              + name()
              + " exited with "
              + process.exitValue()
              + " before its monitor connected: "
              + stderr.text(Duration.ofSeconds(2)));
    }
    return accepted.join();
  }

  @Override
  public GuestStatus status() throws InterruptedException {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return GuestStatus.OFF;
    }
    Object answer = qmp().execute("query-status", Map.of(), config.commandTimeout());
    if (answer instanceof Map<?, ?> m && m.get("status") instanceof String s) {
      return GuestStatus.fromQmp(s);
    }
    throw new VmException(
        ErrorCode.CORRUPT_DATA, "query-status of " + name() + " answered " + answer);
  }

  @Override
  public void stop() throws InterruptedException {
    qmp().execute("stop", Map.of(), config.commandTimeout());
  }

  @Override
  public void cont() throws InterruptedException {
    qmp().execute("cont", Map.of(), config.commandTimeout());
  }

  @Override
  public void quit() throws InterruptedException {
    Process p = started();
    try {
      qmp().execute("quit", Map.of(), config.commandTimeout());
    } catch (VmException e) {
      // QEMU may close the connection before its answer reaches us: the exit below decides.
      if (e.code() != ErrorCode.IO_FAILURE) {
        throw e;
      }
    }
    awaitExit(p, "quit");
  }

  @Override
  public void kill() throws InterruptedException {
    Process p = started();
    p.destroyForcibly();
    awaitExit(p, "kill");
  }

  private void awaitExit(Process p, String how) throws InterruptedException {
    long deadline = System.nanoTime() + config.commandTimeout().toNanos();
    // After the exit, the console holds every line QEMU printed: its pipe is read to the end.
    if (!p.waitFor(config.commandTimeout().toNanos(), TimeUnit.NANOSECONDS)
        || !console.awaitEnd(left(deadline))) {
      throw new VmException(
          ErrorCode.LOCK_TIMEOUT,
          "QEMU for "
              + name()
              + " (pid "
              + p.pid()
              + ") still runs "
              + config.commandTimeout()
              + " after "
              + how);
    }
  }

  @Override
  public MigrationResult migrateTo(QemuGuest target, Duration timeout) throws InterruptedException {
    if (!(target instanceof QemuProcess incoming) || !incoming.config.incoming()) {
      throw new VmException(
          ErrorCode.INVALID_CONFIGURATION,
          "migration target must be built with incomingMigration(), not " + target);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<Map<String, Object>> resumed =
        incoming.qmp().nextEvent(e -> "RESUME".equals(e.get("event")));
    long t0 = System.nanoTime();
    MigrationResult completed = migrate(incoming.config.migrationSocket(), deadline);
    QmpClient.await(resumed, "resume after migration", incoming.name(), left(deadline));
    return new MigrationResult(
        completed.downtime(),
        completed.totalTime(),
        completed.transferredBytes(),
        Duration.ofNanos(System.nanoTime() - t0));
  }

  @Override
  public MigrationResult migrateTo(Path incomingSocket, Duration timeout)
      throws InterruptedException {
    return migrate(incomingSocket, System.nanoTime() + timeout.toNanos());
  }

  @Override
  public Path migrationSocket() {
    return config.migrationSocket();
  }

  /** Migrates to {@code socket} and returns at QEMU's completion; elapsed ends there. */
  private MigrationResult migrate(Path socket, long deadline) throws InterruptedException {
    QmpClient source = qmp();
    source.execute(
        "migrate-set-capabilities",
        Map.of("capabilities", List.of(Map.of("capability", "events", "state", true))),
        config.commandTimeout());
    // QEMU's default bandwidth cap (32 MiB/s) is for shared networks; this link is a local socket.
    // The downtime limit is what QEMU aims for when it decides to stop the source.
    source.execute(
        "migrate-set-parameters",
        Map.of("max-bandwidth", 4L << 30, "downtime-limit", 100),
        config.commandTimeout());
    CompletableFuture<Map<String, Object>> finished =
        source.nextEvent(
            e ->
                "MIGRATION".equals(e.get("event"))
                    && e.get("data") instanceof Map<?, ?> d
                    && List.of("completed", "failed", "cancelled").contains(d.get("status")));
    long t0 = System.nanoTime();
    source.execute("migrate", Map.of("uri", "unix:" + socket), config.commandTimeout());
    Map<String, Object> end =
        QmpClient.await(finished, "end of its migration", name(), left(deadline));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    Map<?, ?> info = (Map<?, ?>) source.execute("query-migrate", Map.of(), config.commandTimeout());
    if (!"completed".equals(((Map<?, ?>) end.get("data")).get("status"))) {
      throw new VmException(
          ErrorCode.REFUSED,
          "migration of "
              + name()
              + " to "
              + socket
              + " ended "
              + ((Map<?, ?>) end.get("data")).get("status")
              + ": "
              + info.get("error-desc"));
    }
    awaitRunStateBeyond("finish-migrate", deadline);
    long transferred =
        info.get("ram") instanceof Map<?, ?> ram && ram.get("transferred") instanceof Long l
            ? l
            : -1;
    return new MigrationResult(
        Duration.ofMillis(number(info, "downtime")),
        Duration.ofMillis(number(info, "total-time")),
        transferred,
        elapsed);
  }

  /**
   * QEMU reports a migration completed a moment before the source's run state moves on from
   * finish-migrate to postmigrate, and announces that move with no event: asks until it has, so
   * that the source reads as stopped for good once a migration returns.
   */
  private void awaitRunStateBeyond(String state, long deadline) throws InterruptedException {
    while (true) {
      Object answer = qmp().execute("query-status", Map.of(), config.commandTimeout());
      if (!(answer instanceof Map<?, ?> m) || !state.equals(m.get("status"))) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new VmException(
            ErrorCode.LOCK_TIMEOUT, name() + " still in run state " + state + " after migrating");
      }
      Thread.sleep(5);
    }
  }

  private static long number(Map<?, ?> info, String key) {
    return info.get(key) instanceof Long l ? l : -1;
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
  }

  @Override
  public List<ConsoleLine> console() {
    return console.snapshot();
  }

  @Override
  public ConsoleLine awaitConsole(Predicate<String> match, Duration timeout)
      throws InterruptedException {
    return console.await(match, timeout);
  }

  @Override
  public OptionalLong pid() {
    Process p = process;
    return p == null ? OptionalLong.empty() : OptionalLong.of(p.pid());
  }

  @Override
  public Optional<Accel> accelInUse() {
    return Optional.ofNullable(inUse);
  }

  @Override
  public Path qmpSocket() {
    return config.qmpSocket();
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    QmpClient q = qmp;
    if (q != null) {
      q.close();
    }
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      try {
        if (!p.waitFor(config.commandTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
          throw new VmException(
              ErrorCode.LOCK_TIMEOUT, "QEMU for " + name() + " survived SIGKILL at close");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Process started() {
    Process p = process;
    if (p == null) {
      throw new VmException(ErrorCode.INVALID_CONFIGURATION, "guest " + name() + " never started");
    }
    return p;
  }

  private QmpClient qmp() {
    QmpClient q = qmp;
    if (q == null) {
      throw new VmException(
          ErrorCode.INVALID_CONFIGURATION, "guest " + name() + " is not started: no QMP monitor");
    }
    return q;
  }

  private static void kill(Process p) {
    if (p != null) {
      p.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return "QemuGuest[" + name() + " in " + config.runtimeDir() + ", pid " + pid() + "]";
  }
}
