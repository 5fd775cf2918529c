package dev.quorate.lock.internal;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.ElectionTck;

/** The in-process manager passes the election TCK. */
class InProcessElectionTckTest extends ElectionTck {
  @Override
  protected LockManager newManager() {
    return LockManager.inProcess();
  }
}
