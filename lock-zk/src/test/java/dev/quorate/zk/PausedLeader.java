package dev.quorate.zk;

import dev.quorate.lock.Leadership;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A leader in a process of its own, for {@link ElectionFaultIT} to stop with SIGSTOP: it campaigns,
 * prints {@code leading <epoch>}, and while it leads prepares each write for about 20 ms (so a stop
 * most likely lands between its check and its write, where a real leader is most exposed) and
 * appends {@code <epoch> <candidate>} to the ledger, through the token guard unless told {@code
 * unguarded}. Prints {@code wrote}, {@code refused} or {@code ended} for the test to follow.
 *
 * <p>Arguments: connect string, election, guard file, ledger file, {@code guarded|unguarded}.
 */
public final class PausedLeader {
  private PausedLeader() {}

  public static void main(String[] args) throws Exception {
    Path ledger = Path.of(args[3]);
    boolean guarded = args[4].equals("guarded");
    TokenGuard guard = TokenGuard.persistent(Path.of(args[2]));
    try (LockManager manager =
            ZkLockManager.builder()
                .connectString(args[0])
                .sessionTimeout(FaultFixture.SESSION)
                .connectionTimeout(Duration.ofSeconds(20))
                .build();
        Leadership leadership = manager.election(args[1]).campaign("paused")) {
      System.out.println("leading " + leadership.token());
      while (leadership.isLeading()) {
        long prepared = System.nanoTime() + Duration.ofMillis(20).toNanos();
        while (System.nanoTime() < prepared) {
          Thread.onSpinWait(); // the work before the write: CPU, not a wait on anything
        }
        String entry = leadership.token() + " paused\n";
        try {
          if (guarded) {
            guard.access(leadership.token(), () -> append(ledger, entry));
          } else {
            append(ledger, entry);
          }
          System.out.println("wrote");
        } catch (StaleTokenException e) {
          System.out.println("refused " + leadership.token());
        }
      }
      System.out.println("ended " + leadership.state());
    }
  }

  static void append(Path ledger, String entry) {
    try {
      Files.writeString(
          ledger,
          entry,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
