package dev.quorate.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.Revocation;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The operations examples do what docs/operations.md says. */
@Timeout(30)
class OperationsExamplesTest {
  @Test
  void aMeasuredManagerIsScrapedAndARevokedHolderIsLost() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (LockManager locks = OperationsExamples.measureInProcess(registry)) {
      Lease lease = locks.lock("volume/7").acquire(LockMode.EX);
      Revocation done = OperationsExamples.inspectAndRevoke(locks);
      assertThat(done.token()).isEqualTo(lease.token());
      assertThat(lease.state()).isEqualTo(LeaseState.LOST);
      assertThat(registry.scrape())
          .contains(
              "quorate_lock_wait_seconds_count{mechanism=\"slm\",mode=\"EX\",outcome=\"granted\"} 1")
          .contains("quorate_lock_revocations_total{mechanism=\"slm\"} 1");
    }
  }
}
