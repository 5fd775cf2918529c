package dev.quorate.lock.internal;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.SemaphoreTck;

/** The in-process manager passes the semaphore TCK. */
class InProcessSemaphoreTckTest extends SemaphoreTck {
  @Override
  protected LockManager newManager() {
    return LockManager.inProcess();
  }
}
