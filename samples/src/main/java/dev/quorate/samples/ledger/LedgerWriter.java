package dev.quorate.samples.ledger;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.zk.ZkLockManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One writer of the ledger sample, in a JVM of its own: for each of its entries it takes the lock
 * {@code ledger} in EX mode, checks the lease, and appends one entry under the lease's fencing
 * token. A refused entry is written again under a new grant, so no entry is lost.
 *
 * <p>With {@code --pause-at N} the writer freezes itself (SIGSTOP on its own process) right after
 * checking the lease for entry N and before writing: the worst moment for a garbage-collection
 * pause or a frozen VM. The sample resumes it with SIGCONT after another writer has written.
 *
 * <p>It reports on stdout, one line per event: {@code STARTED pid}, {@code GRANTED n token}, {@code
 * PAUSING n token}, {@code RESUMED n token}, {@code ACCEPTED n token}, {@code REFUSED n token
 * highest}, {@code LOST n token}, {@code DONE}.
 */
@Command(name = "ledger-writer", description = "Appends entries to the sample's ledger.")
final class LedgerWriter implements Callable<Integer> {
  @Option(names = "--connect", required = true, description = "ZooKeeper connect string")
  String connect;

  @Option(names = "--dir", required = true, description = "the ledger's directory")
  Path dir;

  @Option(names = "--name", required = true, description = "this writer's name")
  String name;

  @Option(names = "--run", required = true, description = "the sample run's id")
  String run;

  @Option(names = "--entries", required = true, description = "entries to write")
  int entries;

  @Option(names = "--pause-at", description = "freeze before writing this entry (0: never)")
  int pauseAt;

  @Option(names = "--session-timeout", required = true, description = "ZooKeeper session timeout")
  Duration sessionTimeout;

  /**
   * Runs one writer.
   *
   * @param args see the options
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new LedgerWriter()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    LedgerFile ledger = new LedgerFile(dir);
    long pid = ProcessHandle.current().pid();
    report("STARTED " + pid);
    try (ZkLockManager locks =
        ZkLockManager.builder().connectString(connect).sessionTimeout(sessionTimeout).build()) {
      Lock lock = locks.lock("ledger");
      boolean paused = false;
      for (int n = 1; n <= entries; n++) {
        boolean written = false;
        while (!written) {
          Optional<Lease> granted = lock.tryAcquire(LockMode.EX, Duration.ofMinutes(2));
          if (granted.isEmpty()) {
            throw new IllegalStateException("no grant of the ledger lock within 2 minutes");
          }
          try (Lease lease = granted.get()) {
            lease.checkValid(); // SUSPECT or LOST: do not touch the ledger
            report("GRANTED " + n + " " + lease.token());
            if (n == pauseAt && !paused) {
              paused = true;
              report("PAUSING " + n + " " + lease.token());
              Signals.stop(pid);
              report("RESUMED " + n + " " + lease.token());
            }
            try {
              ledger.append(new LedgerEntry(lease.token(), name, n, run));
              report("ACCEPTED " + n + " " + lease.token());
              written = true;
            } catch (StaleTokenException e) {
              report("REFUSED " + n + " " + e.rejected() + " " + e.highest());
            }
          } catch (LeaseLostException e) {
            report("LOST " + n + " " + e.getMessage().replace('\n', ' '));
          }
        }
      }
    }
    report("DONE");
    return 0;
  }

  private static void report(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
