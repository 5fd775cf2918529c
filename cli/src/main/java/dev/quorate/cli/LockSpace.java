package dev.quorate.cli;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Election;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leader;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.Revocation;
import dev.quorate.zk.ZkLockManager;
import dev.quorate.zk.ZkLockSpace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A lock space seen through the ensemble's client: listings by {@link ZkLockSpace}, inspections,
 * revocations and leaders by a {@link ZkLockManager} over the same client, opened on first need
 * (opening one creates the lock root if it is missing, so listings never open one). Failures come
 * out as {@link CommandFailure}s.
 */
final class LockSpace implements AutoCloseable {
  private final Ensemble ensemble;
  private final String root;
  private final Duration timeout;
  private ZkLockManager manager;

  LockSpace(Ensemble ensemble, String root, Duration timeout) {
    this.ensemble = ensemble;
    this.root = root;
    this.timeout = timeout;
  }

  String root() {
    return root;
  }

  /** The resources with a lock queue, in name order. */
  List<String> resources() {
    return read(() -> ZkLockSpace.resources(ensemble.client(), root));
  }

  /** The elections, in name order. */
  List<String> elections() {
    return read(() -> ZkLockSpace.elections(ensemble.client(), root));
  }

  LockInspection inspect(String resource) {
    return read(() -> manager().inspect(resource));
  }

  Optional<Leader> leader(String name) {
    return read(() -> election(name).leader());
  }

  Election election(String name) {
    return read(() -> manager().election(name));
  }

  Revocation revoke(String resource, FencingToken token, String requestedBy, String reason) {
    return read(() -> manager().revoke(resource, token, requestedBy, reason));
  }

  private ZkLockManager manager() {
    if (manager == null) {
      try {
        manager =
            ZkLockManager.builder()
                .curator(ensemble.client())
                .rootPath(root)
                .security(ensemble.security())
                .connectionTimeout(timeout)
                .build();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandFailure(ExitCode.INTERNAL, "interrupted while opening " + root, e);
      }
    }
    return manager;
  }

  private interface Read<T> {
    T get();
  }

  private <T> T read(Read<T> read) {
    try {
      return read.get();
    } catch (ConfigurationException | IllegalArgumentException e) {
      throw new CommandFailure(ExitCode.USAGE, e.getMessage(), e);
    } catch (RuntimeException e) {
      throw Failures.translate(e, ensemble.connect());
    }
  }

  @Override
  public void close() {
    if (manager != null) {
      manager.close();
    }
  }
}
