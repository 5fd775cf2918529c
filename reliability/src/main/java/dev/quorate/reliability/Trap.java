package dev.quorate.reliability;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets the nemesis strike a holder inside its critical section, not somewhere in its loop. Armed,
 * it catches the next first write of a grant: the write is done, but its reply is held back until
 * the nemesis springs the trap. Meanwhile the nemesis pauses, cuts off or expires that very holder,
 * which then goes on with the rest of its critical section on a lease it may have lost: the
 * schedule of a stalled holder, made certain instead of lucky.
 */
final class Trap {
  private record Catch(CountDownLatch caught, CountDownLatch sprung, String[] client) {}

  private final AtomicReference<Catch> armed = new AtomicReference<>();
  private final AtomicReference<Catch> holding = new AtomicReference<>();

  /** Arms the trap and waits for a catch; returns the caught client, or null if none came. */
  String arm(long timeoutMillis) throws InterruptedException {
    Catch c = new Catch(new CountDownLatch(1), new CountDownLatch(1), new String[1]);
    armed.set(c);
    if (c.caught().await(timeoutMillis, TimeUnit.MILLISECONDS)) {
      holding.set(c);
      return c.client()[0];
    }
    if (armed.compareAndSet(c, null)) {
      return null;
    }
    // Caught just as the wait ended.
    c.caught().await();
    holding.set(c);
    return c.client()[0];
  }

  boolean isArmed() {
    return armed.get() != null;
  }

  /** Lets the caught write's reply go. */
  void spring() {
    Catch c = holding.getAndSet(null);
    if (c != null) {
      c.sprung().countDown();
    }
  }

  /** Called on the write's thread after the write, before its reply. */
  void catchIfArmed(String client) throws InterruptedException {
    Catch c = armed.getAndSet(null);
    if (c == null) {
      return;
    }
    c.client()[0] = client;
    c.caught().countDown();
    // Bounded: a nemesis that died must not wedge the client for ever.
    c.sprung().await(5, TimeUnit.MINUTES);
  }
}
