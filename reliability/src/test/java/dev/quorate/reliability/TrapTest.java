package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The resource's trap: it catches exactly one write and holds it until sprung. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrapTest {
  private final Trap trap = new Trap();

  @Test
  void anUnarmedTrapLetsWritesThrough() throws InterruptedException {
    trap.catchIfArmed("client-1"); // returns at once
    assertThat(trap.arm(50)).as("nothing came while armed").isNull();
    trap.catchIfArmed("client-2"); // disarmed after the timeout: returns at once
  }

  @Test
  void theCaughtWriteWaitsUntilSprungAndOnlyOneIsCaught() throws Exception {
    CompletableFuture<String> caught =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return trap.arm(10_000);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    CompletableFuture<Void> held = new CompletableFuture<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                await().atMost(Duration.ofSeconds(10)).until(trap::isArmed);
                trap.catchIfArmed("client-2");
                held.complete(null);
              } catch (InterruptedException e) {
                held.completeExceptionally(e);
              }
            });
    writer.start();
    assertThat(caught.get(10, TimeUnit.SECONDS)).isEqualTo("client-2");
    trap.catchIfArmed("client-3"); // a second write passes: the trap caught one already
    assertThat(held).isNotDone();
    trap.spring();
    held.get(10, TimeUnit.SECONDS);
  }
}
