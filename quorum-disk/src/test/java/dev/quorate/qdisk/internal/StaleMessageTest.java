package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A message left on every disk for an earlier incarnation, met by a restarted node. */
class StaleMessageTest {
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(HeartbeatEngine.class);

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
  void aStaleMessageOnThreeDisksIsLoggedOnceInWordsAndClearedOnEveryDisk() throws Exception {
    SimCluster c = new SimCluster(3, 4);
    HeartbeatEngine first = c.start(3);
    c.beat(2);
    long inc = first.status().incarnation();
    first.close();
    MailboxMessage evict = new MailboxMessage(3, MessageType.EVICT, 2, inc, 77);
    for (int d = 0; d < 3; d++) {
      DiskReader.deliver(c.disks.get(d), c.headers.get(d), evict);
    }

    c.start(3);

    assertThat(logged.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "node 3: clearing the EVICT message from node 2 left for incarnation "
                + inc
                + " (this is "
                + (inc + 1)
                + ")");
    for (int d = 0; d < 3; d++) {
      MailboxMessage now =
          DiskReader.readMailbox(c.disks.get(d), c.headers.get(d), 3).value().orElseThrow();
      assertThat(now.type()).as("disk %s", d).isEqualTo(MessageType.CLEAR);
      assertThat(now.messageId()).as("disk %s", d).isEqualTo(78);
    }
  }
}
