package dev.quorate.lock.tck;

import dev.quorate.lock.LockManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What the election and semaphore kits share: whether the manager offers the recipe at all (tests
 * named {@code refuses...} run only when it does not, all others only when it does), how many
 * rounds the contention tests run, and how a member loses its session.
 */
public abstract class RecipeTckSupport extends TckSupport {
  /**
   * Says whether the manager under test offers the recipe. The default is true.
   *
   * @return false for a manager that refuses it
   */
  protected boolean offered() {
    return true;
  }

  /**
   * How many grants each contender takes in the contention tests.
   *
   * @return the rounds per contender
   */
  protected int rounds() {
    return 30;
  }

  /**
   * Ends {@code member}'s connection to the lock space the way a failure would. The default closes
   * it; a networked manager may expire its session instead.
   *
   * @param member the member to cut off
   * @throws Exception if it cannot be done
   */
  protected void loseSession(LockManager member) throws Exception {
    member.close();
  }

  @BeforeEach
  final void onlyIfOffered(TestInfo test) {
    boolean refusalTest = test.getTestMethod().orElseThrow().getName().startsWith("refuses");
    Assumptions.assumeTrue(
        offered() != refusalTest,
        refusalTest ? "the recipe is offered" : "the manager under test does not offer the recipe");
  }
}
