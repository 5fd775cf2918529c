package dev.quorate.bench;

import java.util.Arrays;

/**
 * Who held one lock over one window, grant by grant: each member's grants and the longest run of
 * consecutive grants by one member. It shows what throughput hides: whether the members took turns
 * or one of them kept the lock while the others waited. Updated under the lock it describes, like
 * {@link Guard}'s counter; read and reset between windows, once every thread has finished.
 */
final class Turns {
  private final long[] grants;
  private int last = -1;
  private long run;
  private long longestRun;
  private int longestRunMember = -1;

  Turns(int members) {
    this.grants = new long[members];
  }

  /** Member {@code member} was granted the lock. */
  void took(int member) {
    grants[member]++;
    run = member == last ? run + 1 : 1;
    last = member;
    if (run > longestRun) {
      longestRun = run;
      longestRunMember = member;
    }
  }

  /** What this window showed; starts the next window afresh. */
  Shares take() {
    Shares shares = new Shares(grants.clone(), longestRun, longestRunMember);
    Arrays.fill(grants, 0);
    last = -1;
    run = 0;
    longestRun = 0;
    longestRunMember = -1;
    return shares;
  }

  /**
   * One window's turns on one lock or more.
   *
   * @param grants the grants of each member, by member index
   * @param longestRun the most consecutive grants of one lock to one member
   * @param longestRunMember the member of that run, or -1 if nobody was granted
   */
  record Shares(long[] grants, long longestRun, int longestRunMember) {
    static Shares none(int members) {
      return new Shares(new long[members], 0, -1);
    }

    /** Both windows' grants added up; the longer of their runs. */
    Shares plus(Shares other) {
      long[] sum = grants.clone();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += other.grants[i];
      }
      return other.longestRun > longestRun
          ? new Shares(sum, other.longestRun, other.longestRunMember)
          : new Shares(sum, longestRun, longestRunMember);
    }

    long total() {
      return Arrays.stream(grants).sum();
    }
  }
}
