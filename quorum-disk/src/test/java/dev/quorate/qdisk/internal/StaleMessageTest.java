package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.MailboxMessage;
import dev.quorate.qdisk.MessageType;
import dev.quorate.quorum.SelfFenceReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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

  @Test
  void aPillSentDuringTheClaimWindowIsNotClearedAndFencesTheFirstBeat() throws Exception {
    SimCluster c = new SimCluster(1, 4);
    HeartbeatEngine first = c.start(3);
    c.beat(2);
    long inc = first.status().incarnation();
    first.close();
    DiskReader.deliver(
        c.disks.get(0), c.headers.get(0), new MailboxMessage(3, MessageType.EVICT, 2, inc, 77));
    // A fence agent reads the claim (incarnation inc + 1) and sends its pill during the window.
    MailboxMessage pill = new MailboxMessage(3, MessageType.RESET, 0, inc + 1, 78);
    MonotonicClock base = c.clock.view(0);
    AtomicBoolean sent = new AtomicBoolean();
    MonotonicClock claimWindow =
        new MonotonicClock() {
          @Override
          public long nanoTime() {
            return base.nanoTime();
          }

          @Override
          public void sleep(Duration d) throws InterruptedException {
            c.clock.advance(d);
            if (sent.compareAndSet(false, true)) {
              try {
                DiskReader.deliver(c.disks.get(0), c.headers.get(0), pill);
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
            }
          }
        };
    Map<SelfFenceReason, String> fenced = new EnumMap<>(SelfFenceReason.class);
    HeartbeatEngine second = c.create(3, fenced::put, claimWindow, "sim-node-3");
    second.start();
    try {
      assertThat(second.status().incarnation()).isEqualTo(inc + 1);
      assertThat(DiskReader.readMailbox(c.disks.get(0), c.headers.get(0), 3).value())
          .contains(pill);
      second.tick();
      assertThat(fenced).containsKey(SelfFenceReason.POISON_PILL);
    } finally {
      second.close();
    }
  }
}
