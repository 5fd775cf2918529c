package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.quorate.qdisk.Heuristic;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class HeuristicRunnerLogTest {
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(HeuristicRunner.class);

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  @Test
  void aFailingCheckIsLoggedWithItsReasonNotItsExceptionClasses() {
    Heuristic refused =
        new Heuristic() {
          @Override
          public String name() {
            return "gateway";
          }

          @Override
          public int score() {
            return 1;
          }

          @Override
          public Duration timeout() {
            return Duration.ofSeconds(1);
          }

          @Override
          public boolean passes() {
            throw new UncheckedIOException(new ConnectException("Connection refused"));
          }
        };
    try (HeuristicRunner runner = new HeuristicRunner(List.of(refused), 1, Duration.ofHours(1))) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> logged.list.stream().anyMatch(e -> e.getLevel() == Level.WARN));
      assertThat(runner.score()).isZero();
    }
    assertThat(logged.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("heuristic gateway failed: Connection refused");
  }
}
