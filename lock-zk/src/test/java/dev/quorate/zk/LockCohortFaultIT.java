package dev.quorate.zk;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The fault tests of {@link LockFaultIT} with every member cohorting and caching EX grants. */
@Timeout(120)
class LockCohortFaultIT extends LockFaultIT {
  /** Hides the parent's: JUnit runs only this one. */
  @BeforeAll
  static void startEnsemble() throws Exception {
    fixture = new FaultFixture(true);
  }
}
