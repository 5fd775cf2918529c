package dev.quorate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quorum-disk part of the short profile: three daemons (each its own JVM) on three disk files;
 * the master paused past detection and killed, a torn heartbeat write, one disk of three lost for a
 * while. The long profile is {@code bin/chaos qdisk --minutes N}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class QdiskChaosIT {
  @TempDir Path dir;

  @Test
  void mastersNeverOverlapAndEvictedNodesStopWriting() throws Exception {
    QdiskRun.Outcome o = QdiskRun.run(dir, Duration.ofSeconds(55), Duration.ofSeconds(3), 8);
    System.out.println(o.text());
    QdiskChecker.Result r = o.result();
    assertThat(r.violations()).as(o.text()).isEmpty();
    assertThat(r.faults().keySet())
        .as("every fault type injected")
        .containsExactlyInAnyOrderElementsOf(QdiskFault.ROTATION);
    assertThat(r.evictions()).as("the paused masters were evicted").isPositive();
    assertThat(r.tenures()).as("the master role moved").isGreaterThan(1);
  }
}
