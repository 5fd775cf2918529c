package dev.quorate.lock.internal;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Runs the work a queue operation leaves for after its lock is released (completing futures), on a
 * per-thread trampoline: when a completed future's continuation releases a lease, which completes
 * the next waiter's future, and so on, the chain runs as a loop on this thread instead of a
 * recursion that would overflow the stack and leave a grant that nobody holds.
 */
final class Effects {
  private static final ThreadLocal<ArrayDeque<Runnable>> PENDING = new ThreadLocal<>();

  private Effects() {}

  static void run(List<Runnable> effects) {
    if (effects.isEmpty()) {
      return;
    }
    ArrayDeque<Runnable> pending = PENDING.get();
    if (pending != null) {
      pending.addAll(effects);
      return;
    }
    pending = new ArrayDeque<>(effects);
    PENDING.set(pending);
    try {
      Runnable next;
      while ((next = pending.poll()) != null) {
        next.run();
      }
    } finally {
      PENDING.remove();
    }
  }
}
