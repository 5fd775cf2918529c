package dev.quorate.lock.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private final AtomicInteger rejections = new AtomicInteger();

  /** Runs on the calling thread, except that it refuses while rejections are left. */
  private final Executor flaky =
      task -> {
        if (rejections.getAndDecrement() > 0) {
          throw new RejectedExecutionException("refused for the test");
        }
        task.run();
      };

  private final SerialExecutor serial = new SerialExecutor(flaky);

  @Test
  void taskQueuedDuringExecuteHereStillRunsAfterTheDelegateRefusedOnce() {
    rejections.set(1);
    assertThatThrownBy(
            () ->
                serial.executeHere(
                    () -> {
                      ran.add("here");
                      serial.execute(() -> ran.add("queued meanwhile"));
                    }))
        .isInstanceOf(RejectedExecutionException.class);

    serial.execute(() -> ran.add("later"));

    assertThat(ran).containsExactly("here", "queued meanwhile", "later");
  }

  @Test
  void executeAfterARefusalStartsTheQueueAgain() {
    rejections.set(1);
    assertThatThrownBy(() -> serial.execute(() -> ran.add("first")))
        .isInstanceOf(RejectedExecutionException.class);

    serial.execute(() -> ran.add("second"));

    assertThat(ran).containsExactly("first", "second");
  }
}
