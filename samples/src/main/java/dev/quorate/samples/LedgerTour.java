package dev.quorate.samples;

import dev.quorate.lock.Lease;
import dev.quorate.lock.Lock;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import dev.quorate.lock.ValueBlock;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Walks through what a lock manager gives cluster software, on one JVM: exclusive and shared modes,
 * blocking callbacks, conversions with fresh fencing tokens, the lock value block, and the resource
 * rejecting a stale holder.
 */
final class LedgerTour {
  private final Path ledger;
  private final Path tokenFile;
  private final PrintStream out;
  private final long start = System.nanoTime();
  private boolean ok = true;

  LedgerTour(Path work, PrintStream out) {
    this.ledger = work.resolve("ledger.txt");
    this.tokenFile = work.resolve("ledger.token");
    this.out = out;
  }

  boolean run() throws InterruptedException {
    say("Quorate demo: an in-process lock manager guarding %s", ledger);
    try (LockManager manager = LockManager.inProcess()) {
      say("mechanism: %s", manager.mechanism());
      TokenGuard guard = TokenGuard.persistent(tokenFile);
      Lock lock = manager.lock("ledger");
      // As in every DLM, a resource's value block lives while some lease exists; NL blocks no one.
      Lease keeper = lock.acquire(LockMode.NL);

      Lease alice = lock.acquire(LockMode.EX);
      say("alice holds EX with fencing token %s", alice.token());
      append(guard, alice, "alice: opening balance 100");
      alice.setValueBlock(ValueBlock.ofLong(1));
      alice.release();
      say("alice released; the value block now says ledger version 1");

      // A holder that stalls (a GC pause, a frozen VM) and then writes with its old token.
      Lease bob = lock.acquire(LockMode.EX);
      say(
          "bob holds EX with token %s, sees ledger version %d",
          bob.token(), bob.valueBlock().asLong());
      append(guard, bob, "bob: +20");
      bob.setValueBlock(ValueBlock.ofLong(2));
      bob.release();
      try {
        guard.access(alice.token(), () -> write("alice (stale): -100"));
        check(false, "the ledger accepted alice's stale token %s", alice.token());
      } catch (StaleTokenException e) {
        say(
            "a late write from alice with token %s was REJECTED by the ledger: %s",
            alice.token(), e.getMessage());
      }

      sharedReadersAndABlockedWriter(manager, guard);
      conversionGetsANewToken(lock, guard);
      keeper.release();
    }
    say("ledger contents:");
    try {
      Files.readAllLines(ledger).forEach(line -> out.println("    " + line));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    say(ok ? "demo finished: every step behaved as promised" : "demo FAILED: see above");
    return ok;
  }

  private void sharedReadersAndABlockedWriter(LockManager manager, TokenGuard guard)
      throws InterruptedException {
    Lock lock = manager.lock("ledger");
    CountDownLatch told = new CountDownLatch(2);
    LockOptions polite =
        LockOptions.builder()
            .onBlocking(
                (lease, wanted) -> {
                  say(
                      "  blocking callback: reader %s is told a %s request waits",
                      lease.token(), wanted);
                  told.countDown();
                })
            .build();
    Lease reader1 = manager.lock("ledger", polite).acquire(LockMode.PR);
    Lease reader2 = manager.lock("ledger", polite).acquire(LockMode.PR);
    say("two readers share PR: tokens %s and %s", reader1.token(), reader2.token());
    CompletableFuture<Lease> writer = lock.acquireAsync(LockMode.EX);
    check(told.await(5, TimeUnit.SECONDS), "readers were not told about the waiting writer");
    check(!writer.isDone(), "the writer was granted EX while readers held PR");
    reader1.release();
    reader2.release();
    try (Lease lease = writer.join()) {
      say("readers released; the writer got EX with token %s", lease.token());
      append(guard, lease, "carol: +5");
    }
  }

  private void conversionGetsANewToken(Lock lock, TokenGuard guard) throws InterruptedException {
    try (Lease lease = lock.acquire(LockMode.PR)) {
      String before = lease.token().toString();
      check(lease.tryConvert(LockMode.EX, Duration.ofSeconds(5)), "conversion PR -> EX timed out");
      say(
          "converted PR -> EX: token %s became %s (a conversion is a new grant)",
          before, lease.token());
      append(guard, lease, "dave: audit done");
    }
  }

  private void append(TokenGuard guard, Lease lease, String entry) {
    lease.checkValid();
    guard.access(lease.token(), () -> write(entry + " [token " + lease.token() + "]"));
    say("  ledger <- \"%s\"", entry);
  }

  private void write(String line) {
    try {
      Files.writeString(
          ledger,
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void check(boolean condition, String format, Object... args) {
    if (!condition) {
      ok = false;
      say("UNEXPECTED: " + format, args);
    }
  }

  private void say(String format, Object... args) {
    long ms = (System.nanoTime() - start) / 1_000_000;
    out.printf("[%5d ms] %s%n", ms, String.format(format, args));
  }
}
