package dev.quorate.disklease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LeaseTimingTest {
  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void theDerivedTimingIsSafeAndHalvesSanlocksTakeoverAtItsIoTimeout() {
    LeaseTiming t = LeaseTiming.forIoTimeout(Duration.ofSeconds(10)).check();
    assertThat(t.renewalInterval()).isEqualTo(Duration.ofSeconds(20));
    assertThat(t.hostExpiry()).isEqualTo(Duration.ofSeconds(70));
    assertThat(LeaseTiming.defaults().check().hostExpiry()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void anIoTimeoutAsLongAsTheRenewalIsRefused() {
    assertThatThrownBy(() -> new LeaseTiming(ms(200), ms(200), ms(400), ms(900)).check())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("io_timeout 200 ms must be below renewal_interval 200 ms");
  }

  @Test
  void aDeadlineOfLessThanTwoRenewalsIsRefused() {
    assertThatThrownBy(() -> new LeaseTiming(ms(100), ms(200), ms(399), ms(900)).check())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("renewal_deadline 399 ms is below 2 x renewal_interval = 400 ms");
  }

  @Test
  void anExpiryThatLetsOthersTakeOverBeforeTheHolderGivesUpIsRefused() {
    assertThatThrownBy(() -> new LeaseTiming(ms(100), ms(200), ms(400), ms(699)).check())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("= 700 ms exceeds host_expiry 699 ms");
    assertThat(new LeaseTiming(ms(100), ms(200), ms(400), ms(700)).check()).isNotNull();
  }

  @Test
  void aTooShortIoTimeoutIsRefused() {
    assertThatThrownBy(() -> LeaseTiming.forIoTimeout(ms(5)).check())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("io_timeout 5 ms is below the minimum 10 ms");
  }
}
