package dev.quorate.lock.internal;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.LockManagerTck;

/** The in-process manager passes the whole TCK. */
class InProcessLockManagerTckTest extends LockManagerTck {
  @Override
  protected LockManager newManager() {
    return LockManager.inProcess();
  }
}
