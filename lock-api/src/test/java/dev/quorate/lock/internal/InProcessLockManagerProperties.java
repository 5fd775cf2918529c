package dev.quorate.lock.internal;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.LockManagerProperties;

/** The in-process manager passes the TCK's property test. */
class InProcessLockManagerProperties extends LockManagerProperties {
  @Override
  protected LockManager newManager() {
    return LockManager.inProcess();
  }
}
