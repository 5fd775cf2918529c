package dev.quorate.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The getting-started example runs against a real ZooKeeper server and fences stale tokens. */
@Timeout(60)
class EmbeddedLockIT {
  @Test
  void eachGrantWritesWithANewerTokenAndAnOlderOneIsRejected(@TempDir Path dir) throws Exception {
    try (TestingServer server = new TestingServer(true)) {
      Path ledger = dir.resolve("ledger.txt");
      TokenGuard guard = TokenGuard.persistent(dir.resolve("ledger.token"));

      FencingToken first = EmbeddedLock.append(server.getConnectString(), guard, ledger, "one");
      FencingToken second = EmbeddedLock.append(server.getConnectString(), guard, ledger, "two");

      assertThat(second.isNewerThan(first)).isTrue();
      assertThat(Files.readAllLines(ledger)).containsExactly("one", "two");
      assertThatThrownBy(() -> guard.admit(first)).isInstanceOf(StaleTokenException.class);
    }
  }
}
