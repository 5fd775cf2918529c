package dev.quorate.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.QuorateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command check never leaves a process of its command's tree running: a shell that forks a child
 * is killed with the child, on timeout and on interrupt. Survivors are looked for among all
 * processes, not only this JVM's descendants: a child whose shell was killed alone is re-parented
 * and would no longer be found below this JVM.
 */
@Timeout(60)
class CommandCheckTest {
  @TempDir Path dir;

  /** A sleep length no other process uses, so the survivors of this test can be told apart. */
  private final String marker = "600." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);

  @AfterEach
  void killSurvivors() {
    survivors().forEach(ProcessHandle::destroyForcibly);
  }

  private List<ProcessHandle> survivors() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .collect(Collectors.toList());
  }

  /** A shell that forks a sleeping child, writes its pid once it has, and sleeps itself. */
  private CommandCheck forkingShell(Path started, Duration timeout) {
    String script = "sleep " + marker + " & echo $! > " + started + "; sleep " + marker;
    return CommandCheck.of(List.of("sh", "-c", script), timeout);
  }

  @Test
  void aRunOverItsTimeoutFailsAndKillsTheWholeTree() throws Exception {
    Path started = dir.resolve("started");
    CommandCheck check = forkingShell(started, Duration.ofSeconds(3));

    assertThat(check.passes()).isFalse();

    assertThat(started).as("the shell forked its child before the timeout").exists();
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("processes of the timed-out check's tree")
        .until(() -> survivors().isEmpty());
  }

  @Test
  void anInterruptedRunKillsTheWholeTree() throws Exception {
    Path started = dir.resolve("started");
    CommandCheck check = forkingShell(started, Duration.ofMinutes(10));
    AtomicReference<Thread> runner = new AtomicReference<>();
    CompletableFuture<Throwable> outcome =
        CompletableFuture.supplyAsync(
            () -> {
              runner.set(Thread.currentThread());
              try {
                check.passes();
                return null;
              } catch (InterruptedException e) {
                return e;
              }
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Files.exists(started) && survivors().size() >= 2);

    runner.get().interrupt(); // an arbiter or quorum disk closing stops its check so
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("processes of the interrupted check's tree")
        .until(() -> survivors().isEmpty());
  }

  @Test
  void passesOnExitZeroOnlyAndNamesAProgramThatCannotStart() throws Exception {
    assertThat(CommandCheck.of(List.of("true"), Duration.ofSeconds(10)).passes()).isTrue();
    assertThat(CommandCheck.of(List.of("false"), Duration.ofSeconds(10)).passes()).isFalse();
    assertThatThrownBy(
            () ->
                CommandCheck.of(List.of("/nonexistent/quorate-check"), Duration.ofSeconds(1))
                    .passes())
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("/nonexistent/quorate-check");
  }

  @Test
  void refusesAnEmptyCommandOrANonPositiveTimeout() {
    assertThatThrownBy(() -> CommandCheck.of(List.of(), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[]");
    assertThatThrownBy(() -> CommandCheck.of(List.of(" ", "-c1"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CommandCheck.of(List.of("true"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
  }
}
