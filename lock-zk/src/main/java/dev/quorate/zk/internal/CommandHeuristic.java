package dev.quorate.zk.internal;

import dev.quorate.quorum.CommandCheck;
import dev.quorate.zk.ArbiterHeuristic;

/** An {@link ArbiterHeuristic} that runs a command: a {@link CommandCheck}. */
public final class CommandHeuristic implements ArbiterHeuristic {
  private final CommandCheck check;

  /**
   * Wraps a check.
   *
   * @param check the command and its timeout
   */
  public CommandHeuristic(CommandCheck check) {
    this.check = check;
  }

  @Override
  public boolean passes() throws InterruptedException {
    return check.passes();
  }

  @Override
  public String toString() {
    return "heuristic " + check;
  }
}
