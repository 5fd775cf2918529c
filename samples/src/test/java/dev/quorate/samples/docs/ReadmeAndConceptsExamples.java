package dev.quorate.samples.docs;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.TokenGuard;
import java.nio.file.Path;

/**
 * The lock examples of README.md, docs/concepts.md and docs/failure-semantics.md, compiled here so
 * that they cannot drift from the API ({@link DocSnippetsTest} checks they are the same text).
 */
final class ReadmeAndConceptsExamples {
  private ReadmeAndConceptsExamples() {}

  /** README.md, "Using it". */
  static void readme(Volume volume, byte[] data) throws InterruptedException {
    try (LockManager manager =
        LockManager.open(Path.of("/etc/app/lock.properties"))) { // or LockManager.inProcess()
      TokenGuard guard = TokenGuard.persistent(Path.of("/var/lib/app/volume7.token"));
      try (Lease lease = manager.lock("volume/7").acquire(LockMode.EX)) {
        lease.checkValid(); // SUSPECT or LOST: stop now
        guard.access(lease.token(), () -> volume.write(data)); // stale holders are rejected
      }
    }
  }

  /** docs/concepts.md, "Why every grant carries a fencing token". */
  static void concepts(Lease lease, Volume volume, byte[] block) {
    TokenGuard guard = TokenGuard.persistent(Path.of("/var/lib/app/volume7.token"));
    guard.access(lease.token(), () -> volume.write(block)); // A's late write: StaleTokenException
  }

  /** docs/failure-semantics.md: the lease check and the resource's own check. */
  static void failureSemantics(LockManager manager, TokenGuard guard, Volume volume, byte[] block)
      throws InterruptedException {
    try (Lease lease = manager.lock("volume/7").acquire(LockMode.EX)) {
      lease.checkValid(); // cheap, catches the common case
      guard.access(lease.token(), () -> volume.write(block)); // the resource's own check
    }
  }
}
