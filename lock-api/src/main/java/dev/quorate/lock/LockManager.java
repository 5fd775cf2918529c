package dev.quorate.lock;

import dev.quorate.lock.internal.InProcessLockManager;
import dev.quorate.lock.internal.ProviderSelection;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Grants locks on named resources. All mechanisms of the family (an in-process manager for one JVM,
 * and the single, redundant and distributed lock managers of {@code quorate-lock-zk}) share this
 * interface and pass the same compatibility kit, so cluster software can switch mechanism by
 * configuration alone.
 *
 * <pre>{@code
 * try (LockManager manager = LockManager.inProcess()) {
 *   Lock lock = manager.lock("volume/7");
 *   try (Lease lease = lock.acquire(LockMode.EX)) {
 *     volume.write(data, lease.token());
 *   }
 * }
 * }</pre>
 *
 * <p>Resource names are 1 to 256 characters with no control characters. Closing the manager fails
 * every waiting request with {@link ErrorCode#CLOSED} and turns every held lease {@link
 * LeaseState#LOST}; every later call fails with {@link ErrorCode#CLOSED}.
 */
public interface LockManager extends AutoCloseable {
  /**
   * Creates a lock manager that serves the threads of this JVM: a single lock manager with the full
   * DLM semantics (modes, conversions, value blocks, blocking callbacks) and no network.
   *
   * @return a new manager
   */
  static LockManager inProcess() {
    return new InProcessLockManager();
  }

  /**
   * Creates the lock manager a configuration names: {@code quorate.lock.provider} selects a {@link
   * LockManagerProvider} ({@code in-process} is built in; {@code zookeeper} comes with {@code
   * quorate-lock-zk}), which reads its own {@code quorate.lock.*} keys.
   *
   * <pre>{@code
   * Properties config = new Properties();
   * config.setProperty("quorate.lock.provider", "in-process");
   * LockManager manager = LockManager.open(config);
   * }</pre>
   *
   * @param config the configuration; keys outside {@code quorate.lock.} are ignored
   * @return a new, open manager
   * @throws ConfigurationException if the provider key is missing or names no installed provider,
   *     or the provider rejects a setting
   */
  static LockManager open(Properties config) {
    return ProviderSelection.open(config);
  }

  /**
   * Reads a properties file and creates the lock manager it names, as {@link #open(Properties)}.
   *
   * @param file a {@code .properties} file
   * @return a new, open manager
   * @throws ConfigurationException if the file cannot be read or its settings are invalid
   */
  static LockManager open(Path file) {
    return ProviderSelection.open(ProviderSelection.read(file));
  }

  /**
   * Returns a handle on a resource with {@linkplain LockOptions#defaults() default options}.
   *
   * @param resource the resource name
   * @return the handle
   * @throws IllegalArgumentException if the name is empty, too long, or has control characters
   * @throws QuorateException with {@link ErrorCode#CLOSED} if the manager is closed
   */
  Lock lock(String resource);

  /**
   * Returns a handle on a resource.
   *
   * @param resource the resource name
   * @param options the options of the handle
   * @return the handle
   * @throws IllegalArgumentException if the name is empty, too long, or has control characters
   * @throws QuorateException with {@link ErrorCode#CLOSED} if the manager is closed
   */
  Lock lock(String resource, LockOptions options);

  /**
   * Says which mechanism this manager implements and what it survives.
   *
   * @return the mechanism
   */
  Mechanism mechanism();

  /**
   * Shows who holds {@code resource}, who waits for it, and the revocations recorded on it. A
   * resource nobody ever locked is simply free: its inspection has no holders and no waiters.
   *
   * <pre>{@code
   * LockInspection seen = manager.inspect("volume/7");
   * }</pre>
   *
   * @param resource the resource name
   * @return a snapshot
   * @throws IllegalArgumentException if the name is empty, too long, or has control characters
   * @throws UnsupportedOperationException if this mechanism cannot list holders (the disk lock
   *     manager: its leases live in disk slots that name no resource)
   * @throws QuorateException with {@link ErrorCode#CLOSED} if the manager is closed, or another
   *     code if the lock service fails
   */
  default LockInspection inspect(String resource) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " (" + mechanism() + ") cannot inspect locks");
  }

  /**
   * Revokes the lease on {@code resource} whose grant carries {@code token}: an operator's way to
   * make a stuck or misbehaving holder let go. The lease turns {@link LeaseState#LOST} at once (its
   * listeners hear it, with {@code requestedBy} and {@code reason} in the cause), the waiters are
   * granted as after a release, and every later grant carries a greater token, so a {@link
   * TokenGuard} that has seen any of them refuses the revoked holder. The revocation is recorded
   * and shown by {@link #inspect}. A holder that took the lock with a {@link RecoveryGate} is a
   * lost holder like any other: the next holder still waits for the gate.
   *
   * <pre>{@code
   * Revocation done = manager.revoke("volume/7", token, "ops/alice", "holder hung for 10 minutes");
   * }</pre>
   *
   * @param resource the resource name
   * @param token the token of the grant to revoke, as {@link #inspect} shows it
   * @param requestedBy who asks (non-blank, recorded)
   * @param reason why (non-blank, recorded)
   * @return the recorded revocation
   * @throws IllegalArgumentException if the name is invalid, or {@code requestedBy} or {@code
   *     reason} is blank
   * @throws QuorateException with {@link ErrorCode#REFUSED} if no lease on {@code resource} holds
   *     {@code token} (never granted, released meanwhile, or revoked already): nothing to revoke,
   *     nothing recorded; with {@link ErrorCode#CLOSED} if the manager is closed; or another code
   *     if the lock service fails
   * @throws UnsupportedOperationException if this mechanism cannot revoke (the disk lock manager)
   */
  default Revocation revoke(
      String resource, FencingToken token, String requestedBy, String reason) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " (" + mechanism() + ") cannot revoke leases");
  }

  /** Closes the manager; see the class description. Idempotent. */
  @Override
  void close();
}
