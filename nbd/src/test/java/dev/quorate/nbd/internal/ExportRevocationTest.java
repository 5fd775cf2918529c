package dev.quorate.nbd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import dev.quorate.nbd.ExportName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The revoke point: once a newer open returned, no write of an older token lands. */
@Timeout(30)
class ExportRevocationTest {
  private static final int BLOCK = 64 << 10;

  @TempDir Path dir;

  @Test
  void noWriteOfARevokedTokenLandsAfterTheNewerOpenReturned() throws Exception {
    Path image = Files.write(dir.resolve("disk.img"), new byte[BLOCK]);
    try (Export export =
        Export.open(new ServerConfig.ExportSpec("disk", image, TokenGuard.inMemory()))) {
      ExportHandle stale = export.open(ExportName.of("disk", FencingToken.of(5)), "stale");
      AtomicInteger attempts = new AtomicInteger();
      AtomicInteger landed = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      // The stale writer fills the whole block with its sequence number, over and over, and
      // keeps trying after it is refused: a write is in flight while the newer open happens.
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                for (int sequence = 1; !stop.get(); sequence++) {
                  byte[] data = new byte[BLOCK];
                  Arrays.fill(data, (byte) sequence);
                  attempts.incrementAndGet();
                  try {
                    export.write(stale, 0, ByteBuffer.wrap(data), false);
                    landed.set(sequence);
                  } catch (StaleTokenException e) {
                    refused.incrementAndGet();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> landed.get() >= 50);

      export.open(ExportName.of("disk", FencingToken.of(7)), "newer");
      byte[] atRevoke = Files.readAllBytes(image);
      int attemptsAtRevoke = attempts.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= attemptsAtRevoke + 200);
      stop.set(true);
      writer.get(10, TimeUnit.SECONDS);

      assertThat(Arrays.equals(Files.readAllBytes(image), atRevoke))
          .as("the image is unchanged since the newer open returned")
          .isTrue();
      // Every attempt begun after the open was refused; the one in flight landed before or not.
      assertThat(refused.get()).isGreaterThanOrEqualTo(200);
      // The image holds one whole write, the last that succeeded, never half of a later one.
      assertThat(atRevoke).containsOnly((byte) landed.get());
    }
  }
}
