package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.zk.ArbiterHeuristic;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A command heuristic never leaves its process running. */
@Timeout(30)
class CommandHeuristicTest {
  private static boolean sleeping() {
    return ProcessHandle.current()
        .descendants()
        .anyMatch(
            p -> p.isAlive() && p.info().command().map(c -> c.endsWith("/sleep")).orElse(false));
  }

  @Test
  void anInterruptedRunKillsItsCommand() throws Exception {
    ArbiterHeuristic heuristic =
        ArbiterHeuristic.command(List.of("sleep", "60"), Duration.ofMinutes(1));
    AtomicReference<Thread> runner = new AtomicReference<>();
    CompletableFuture<Throwable> outcome =
        CompletableFuture.supplyAsync(
            () -> {
              runner.set(Thread.currentThread());
              try {
                heuristic.passes();
                return null;
              } catch (Exception e) {
                return e;
              }
            });
    await().atMost(Duration.ofSeconds(10)).until(CommandHeuristicTest::sleeping);

    runner.get().interrupt(); // the arbiter's close stops its worker so
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("the command of an interrupted heuristic")
        .until(() -> !sleeping());
  }
}
