package dev.quorate.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TokenGuardTest {
  @TempDir Path dir;

  @Test
  void acceptsEqualAndNewerTokensAndRejectsOlderOnes() {
    TokenGuard guard = TokenGuard.inMemory();
    assertThat(guard.highest()).isEmpty();
    guard.admit(FencingToken.of(5));
    guard.admit(FencingToken.of(5));
    guard.admit(new FencingToken(5, 1));
    assertThatThrownBy(() -> guard.admit(FencingToken.of(5)))
        .isInstanceOf(StaleTokenException.class)
        .hasMessageContaining("5.0")
        .hasMessageContaining("5.1")
        .satisfies(
            e -> {
              StaleTokenException stale = (StaleTokenException) e;
              assertThat(stale.code()).isEqualTo(ErrorCode.STALE_TOKEN);
              assertThat(stale.rejected()).isEqualTo(FencingToken.of(5));
              assertThat(stale.highest()).isEqualTo(new FencingToken(5, 1));
            });
    assertThat(guard.highest()).contains(new FencingToken(5, 1));
  }

  @Test
  void staleAccessDoesNotRunTheAction() {
    TokenGuard guard = TokenGuard.inMemory();
    guard.admit(FencingToken.of(9));
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(() -> guard.access(FencingToken.of(8), runs::incrementAndGet))
        .isInstanceOf(StaleTokenException.class);
    assertThat(runs).hasValue(0);
    assertThat(guard.access(FencingToken.of(9), () -> "written")).isEqualTo("written");
  }

  @Test
  void concurrentAccessesSeeTokensInNonDecreasingOrder() throws Exception {
    TokenGuard guard = TokenGuard.inMemory();
    List<FencingToken> applied = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    FencingToken token =
                        FencingToken.of(ThreadLocalRandom.current().nextLong(1000));
                    try {
                      // Not thread-safe on purpose: the guard must serialize the actions.
                      guard.access(token, () -> applied.add(token));
                    } catch (StaleTokenException expected) {
                      // stale tokens are the point of the test
                    }
                  }
                }));
      }
      for (Future<?> future : done) {
        future.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(applied).isNotEmpty().isSorted();
  }

  @Test
  void persistentGuardRemembersTheHighestTokenAcrossRestarts() throws Exception {
    Path file = dir.resolve("ledger.token");
    TokenGuard first = TokenGuard.persistent(file);
    assertThat(first.highest()).isEmpty();
    assertThat(file).doesNotExist();
    first.admit(new FencingToken(0x200000003L, 2));
    TokenGuard reopened = TokenGuard.persistent(file);
    assertThat(reopened.highest()).contains(new FencingToken(0x200000003L, 2));
    assertThatThrownBy(() -> reopened.admit(new FencingToken(0x200000003L, 1)))
        .isInstanceOf(StaleTokenException.class);
    assertThat(Files.size(file)).isEqualTo(28);
    try (var names = Files.list(dir)) {
      // The token file and the lock file the processes of this host share it by; no leftovers.
      assertThat(names).containsExactlyInAnyOrder(file, dir.resolve("ledger.token.lock"));
    }
  }

  @Test
  void corruptOrForeignFilesAreRefusedAndLeftUntouched() throws Exception {
    TokenGuard.persistent(dir.resolve("good")).admit(FencingToken.of(77));
    byte[] good = Files.readAllBytes(dir.resolve("good"));
    assertRefused("torn", copy(good, b -> b.limit(20)), "20 bytes");
    assertRefused(
        "foreign", "not a token file at all, xxx".getBytes(StandardCharsets.US_ASCII), "QRTG");
    assertRefused("future", copy(good, b -> resealed(b.put(4, (byte) 2))), "version is 2");
    assertRefused("flipped", copy(good, b -> b.put(15, (byte) (b.get(15) ^ 1))), "checksum");
    assertRefused("empty", new byte[0], "0 bytes");
  }

  @Test
  void aTokenThatCannotBeRecordedIsNotAccepted() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    TokenGuard guard = TokenGuard.persistent(sub.resolve("guard"));
    guard.admit(FencingToken.of(1));
    Files.delete(sub.resolve("guard"));
    Files.delete(sub.resolve("guard.lock"));
    Files.delete(sub);
    Files.writeString(sub, "now a file, so the guard's directory is gone");
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(() -> guard.access(FencingToken.of(2), runs::incrementAndGet))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining(sub.toString())
        .extracting(e -> ((QuorateException) e).code())
        .isEqualTo(ErrorCode.IO_FAILURE);
    assertThat(runs).hasValue(0);
  }

  private void assertRefused(String name, byte[] content, String why) throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, content);
    assertThatThrownBy(() -> TokenGuard.persistent(file))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(why)
        .extracting(e -> ((QuorateException) e).code())
        .isEqualTo(ErrorCode.CORRUPT_DATA);
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
  }

  /** Recomputes the checksum, as a future release writing version 2 would. */
  private static void resealed(ByteBuffer file) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(file.array(), 0, 24);
    file.putInt(24, (int) crc.getValue());
  }

  private static byte[] copy(byte[] bytes, Consumer<ByteBuffer> change) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes.clone());
    change.accept(buffer);
    byte[] result = new byte[buffer.limit()];
    buffer.position(0);
    buffer.get(result);
    return result;
  }
}
