package dev.quorate.samples;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.TokenGuard;
import dev.quorate.zk.ZkLockManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The "embed the lock" example of {@code docs/getting-started.md}, kept here so that it compiles
 * and {@code EmbeddedLockIT} runs it against a real ZooKeeper server.
 */
public final class EmbeddedLock {
  private EmbeddedLock() {}

  /**
   * Appends an entry to a ledger file while holding the lock {@code ledger}, and shows the lease's
   * fencing token to the ledger's guard.
   *
   * @param connectString the ZooKeeper server(s), such as {@code zk1:2181,zk2:2181,zk3:2181}
   * @param guard the ledger's guard: one per resource, kept on the resource's side
   * @param ledger the ledger file
   * @param entry the line to append
   * @return the fencing token the entry was written with
   * @throws InterruptedException if interrupted while connecting or waiting for the lock
   * @throws dev.quorate.lock.StaleTokenException if a newer holder has written since the grant
   */
  public static FencingToken append(
      String connectString, TokenGuard guard, Path ledger, String entry)
      throws InterruptedException {
    // getting-started: embed the lock
    try (ZkLockManager locks =
        ZkLockManager.builder()
            .connectString(connectString) // one server (SLM), or an ensemble of 3 or 5 (RLM)
            .sessionTimeout(Duration.ofSeconds(10))
            .build()) {
      try (Lease lease = locks.lock("ledger").acquire(LockMode.EX)) {
        lease.checkValid(); // SUSPECT or LOST: stop touching the resource
        guard.access(lease.token(), () -> write(ledger, entry)); // a stale holder is rejected
        return lease.token();
      }
    }
    // end of the example
  }

  private static void write(Path ledger, String entry) {
    try {
      Files.writeString(
          ledger,
          entry + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + ledger, e);
    }
  }
}
