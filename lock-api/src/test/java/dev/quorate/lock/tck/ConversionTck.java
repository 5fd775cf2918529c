package dev.quorate.lock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConversionDeadlockException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseLostException;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.ValueBlock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Conversions, lock value blocks, and blocking callbacks. */
public abstract class ConversionTck extends GrantingTck {

  @Test
  void upConversionWaitsForIncompatibleHoldersAndGetsNewerToken() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    BlockingRecorder otherCallbacks = new BlockingRecorder();
    Lease converting = grant(manager(), resource, LockMode.PR);
    Lease other = contender.lock(resource, otherCallbacks.options()).acquire(LockMode.PR);
    FencingToken before = converting.token();
    CompletableFuture<Lease> conversion = converting.convertAsync(LockMode.EX);
    otherCallbacks.awaitCount(1);
    assertThat(otherCallbacks.seen()).containsExactly(LockMode.EX);
    assertThat(conversion).isNotDone();
    assertThat(converting.mode()).isEqualTo(LockMode.PR);
    other.release();
    conversion.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(converting.mode()).isEqualTo(LockMode.EX);
    assertThat(converting.token()).isGreaterThan(before).isGreaterThan(other.token());
    assertRefused(contender, resource, LockMode.CR);
    converting.release();
  }

  @Test
  void downConversionIsImmediateKeepsTokenAndUnblocksWaiters() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    BlockingRecorder writerCallbacks = new BlockingRecorder();
    Lease writer = manager().lock(resource, writerCallbacks.options()).acquire(LockMode.EX);
    FencingToken token = writer.token();
    CompletableFuture<Lease> reader = contender.lock(resource).acquireAsync(LockMode.PR);
    writerCallbacks.awaitCount(1);
    writer.convert(LockMode.PR);
    assertThat(writer.mode()).isEqualTo(LockMode.PR);
    assertThat(writer.token()).isEqualTo(token);
    reader.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release();
    writer.release();
  }

  @Test
  void conversionToTheHeldModeChangesNothing() throws Exception {
    assumeModes(LockMode.PW);
    String resource = freshResource();
    try (Lease lease = grant(manager(), resource, LockMode.PW)) {
      FencingToken token = lease.token();
      assertThat(lease.tryConvert(LockMode.PW, Duration.ZERO)).isTrue();
      assertThat(lease.mode()).isEqualTo(LockMode.PW);
      assertThat(lease.token()).isEqualTo(token);
    }
  }

  @Test
  void conversionDeadlockIsReportedAndTheLeaseKeepsItsMode() throws Exception {
    LockManager contender =
        peerFor(CrossMember.BLOCKING_CALLBACKS, CrossMember.CONVERSION_DEADLOCKS);
    String resource = freshResource();
    BlockingRecorder secondCallbacks = new BlockingRecorder();
    Lease first = grant(manager(), resource, LockMode.PR);
    Lease second = contender.lock(resource, secondCallbacks.options()).acquire(LockMode.PR);
    CompletableFuture<Lease> firstConversion = first.convertAsync(LockMode.EX);
    secondCallbacks.awaitCount(1);
    assertThatThrownBy(() -> second.convert(LockMode.EX))
        .isInstanceOf(ConversionDeadlockException.class)
        .hasMessageContaining(resource)
        .extracting(e -> ((ConversionDeadlockException) e).code())
        .isEqualTo(ErrorCode.CONVERSION_DEADLOCK);
    assertThat(second.mode()).isEqualTo(LockMode.PR);
    assertThat(second.state()).isEqualTo(LeaseState.GRANTED);
    second.release();
    firstConversion.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(first.mode()).isEqualTo(LockMode.EX);
    first.release();
  }

  @Test
  void timedOutConversionKeepsTheOldModeAndStopsBlocking() throws Exception {
    String resource = freshResource();
    Lease converting = grant(manager(), resource, LockMode.PR);
    Lease other = grant(peer(), resource, LockMode.PR);
    assertThat(converting.tryConvert(LockMode.EX, REFUSAL_WINDOW)).isFalse();
    assertThat(converting.mode()).isEqualTo(LockMode.PR);
    assertThat(converting.state()).isEqualTo(LeaseState.GRANTED);
    // The withdrawn conversion no longer holds back new readers.
    grant(peer(), resource, LockMode.PR).release();
    converting.release();
    other.release();
  }

  @Test
  void releaseDuringAPendingConversionFailsTheConversion() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    BlockingRecorder otherCallbacks = new BlockingRecorder();
    Lease converting = grant(manager(), resource, LockMode.PR);
    Lease other = contender.lock(resource, otherCallbacks.options()).acquire(LockMode.PR);
    CompletableFuture<Lease> conversion = converting.convertAsync(LockMode.EX);
    otherCallbacks.awaitCount(1);
    converting.release();
    assertThatThrownBy(() -> conversion.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(LeaseLostException.class);
    assertThat(other.tryConvert(LockMode.EX, PATIENCE)).isTrue();
    other.release();
  }

  @Test
  void valueBlockWrittenOnReleaseIsSeenByTheNextHolder() throws Exception {
    LockManager contender = peerFor(CrossMember.VALUE_BLOCKS);
    String resource = freshResource();
    // A null-mode lease keeps the resource, and so its value block, alive between holders.
    try (Lease keeper = grant(contender, resource, LockMode.NL)) {
      try (Lease writer = grant(manager(), resource, LockMode.EX)) {
        assertThat(writer.valueBlock().isEmpty()).isTrue();
        writer.setValueBlock(ValueBlock.ofLong(42));
        assertThat(writer.valueBlock().asLong()).isEqualTo(42);
      }
      try (Lease reader = grant(contender, resource, LockMode.PR)) {
        assertThat(reader.valueBlock()).isEqualTo(ValueBlock.ofLong(42));
      }
      assertThat(keeper.state()).isEqualTo(LeaseState.GRANTED);
    }
  }

  @Test
  void valueBlockIsWrittenOnDownConversionFromExclusive() throws Exception {
    LockManager contender = peerFor(CrossMember.VALUE_BLOCKS);
    String resource = freshResource();
    try (Lease writer = grant(manager(), resource, LockMode.EX)) {
      writer.setValueBlock(ValueBlock.of(new byte[] {1, 2, 3}));
      writer.convert(LockMode.PR);
      try (Lease reader = grant(contender, resource, LockMode.PR)) {
        assertThat(reader.valueBlock()).isEqualTo(ValueBlock.of(new byte[] {1, 2, 3}));
      }
    }
  }

  @Test
  void onlyProtectedOrExclusiveWritersMaySetTheValueBlock() throws Exception {
    assumeModes(LockMode.PW);
    String resource = freshResource();
    try (Lease reader = grant(manager(), resource, LockMode.PR)) {
      assertThatThrownBy(() -> reader.setValueBlock(ValueBlock.ofLong(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("PR");
    }
    try (Lease writer = grant(manager(), resource, LockMode.PW)) {
      writer.setValueBlock(ValueBlock.ofLong(7));
    }
  }

  @Test
  void blockingCallbackNamesTheWaitingModeAndSkipsCompatibleRequests() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    assumeModes(LockMode.PW);
    String resource = freshResource();
    BlockingRecorder holderCallbacks = new BlockingRecorder();
    Lease holder = manager().lock(resource, holderCallbacks.options()).acquire(LockMode.PR);
    grant(contender, resource, LockMode.PR).release();
    grant(contender, resource, LockMode.CR).release();
    CompletableFuture<Lease> writer = contender.lock(resource).acquireAsync(LockMode.PW);
    holderCallbacks.awaitCount(1);
    assertThat(holderCallbacks.seen()).containsExactly(LockMode.PW);
    holder.release();
    writer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release();
  }

  @Test
  void blockingCallbackLetsAHolderGiveWay() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    Lease[] holder = new Lease[1];
    holder[0] =
        manager()
            .lock(
                resource,
                dev.quorate.lock.LockOptions.builder()
                    .onBlocking((lease, wanted) -> lease.release())
                    .build())
            .acquire(LockMode.EX);
    Lease next = grant(contender, resource, LockMode.EX);
    assertThat(holder[0].state()).isEqualTo(LeaseState.RELEASED);
    next.release();
  }

  @Test
  void conversionThatLiftsAConstraintWakesTheConversionBehindIt() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    assumeModes(LockMode.CW);
    String resource = freshResource();
    BlockingRecorder readerCallbacks = new BlockingRecorder();
    Lease reader = manager().lock(resource, readerCallbacks.options()).acquire(LockMode.PR);
    Lease writer = grant(contender, resource, LockMode.CR);
    // CR -> CW waits on the PR; when PR itself becomes CW, nothing blocks CW any more.
    CompletableFuture<Lease> writerToCw = writer.convertAsync(LockMode.CW);
    readerCallbacks.awaitCount(1);
    assertThat(reader.tryConvert(LockMode.CW, PATIENCE)).isTrue();
    writerToCw.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(writer.mode()).isEqualTo(LockMode.CW);
    reader.release();
    writer.release();
  }

  @Test
  void holderGrantedFromTheQueueIsToldOfWaitersItBlocks() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    BlockingRecorder firstCallbacks = new BlockingRecorder();
    BlockingRecorder readerCallbacks = new BlockingRecorder();
    Lease first = manager().lock(resource, firstCallbacks.options()).acquire(LockMode.EX);
    CompletableFuture<Lease> reader =
        contender.lock(resource, readerCallbacks.options()).acquireAsync(LockMode.PR);
    firstCallbacks.awaitCount(1);
    CompletableFuture<Lease> writer = manager().lock(resource).acquireAsync(LockMode.EX);
    firstCallbacks.awaitCount(2);
    first.release();
    Lease granted = reader.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    readerCallbacks.awaitCount(1);
    assertThat(readerCallbacks.seen()).containsExactly(LockMode.EX);
    granted.release();
    writer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).release();
  }

  @Test
  void cancellingAPendingConversionKeepsTheOldMode() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    BlockingRecorder otherCallbacks = new BlockingRecorder();
    Lease converting = grant(manager(), resource, LockMode.PR);
    Lease other = contender.lock(resource, otherCallbacks.options()).acquire(LockMode.PR);
    FencingToken token = converting.token();
    CompletableFuture<Lease> conversion = converting.convertAsync(LockMode.EX);
    otherCallbacks.awaitCount(1);
    assertThat(conversion.cancel(false)).isTrue();
    other.release();
    // Had the conversion stayed queued, it would now hold EX and refuse this reader.
    grant(contender, resource, LockMode.PR).release();
    assertThat(converting.mode()).isEqualTo(LockMode.PR);
    assertThat(converting.token()).isEqualTo(token);
    converting.release();
  }

  @Test
  void valueBlockIsWrittenOnDownConversionFromExclusiveToProtectedWrite() throws Exception {
    LockManager contender = peerFor(CrossMember.VALUE_BLOCKS);
    assumeModes(LockMode.PW);
    String resource = freshResource();
    try (Lease writer = grant(manager(), resource, LockMode.EX)) {
      writer.setValueBlock(ValueBlock.ofLong(5));
      writer.convert(LockMode.PW);
      try (Lease reader = grant(contender, resource, LockMode.CR)) {
        assertThat(reader.valueBlock()).isEqualTo(ValueBlock.ofLong(5));
      }
    }
  }

  @Test
  void interruptWhileAConversionWaitsKeepsTheLeaseInItsOldMode() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    String resource = freshResource();
    BlockingRecorder otherCallbacks = new BlockingRecorder();
    Lease converting = grant(manager(), resource, LockMode.PR);
    Lease other = contender.lock(resource, otherCallbacks.options()).acquire(LockMode.PR);
    FencingToken token = converting.token();
    Converter converter = Converter.start(converting, LockMode.EX);
    otherCallbacks.awaitCount(1);
    converter.interrupt();
    assertThat(converter.outcome()).isInstanceOf(InterruptedException.class);
    assertThat(converting.state()).isEqualTo(LeaseState.GRANTED);
    assertThat(converting.mode()).isEqualTo(LockMode.PR);
    assertThat(converting.token()).isEqualTo(token);
    // Had the conversion stayed queued, it would hold back this reader.
    grant(contender, resource, LockMode.PR).release();
    other.release();
    converting.checkValid();
    assertThat(converting.mode()).isEqualTo(LockMode.PR);
    converting.release();
  }

  /**
   * A conversion asked for by an interrupted thread: either it is withdrawn (InterruptedException,
   * the lease keeps its old mode) or it is done (the call returns, the interrupt stays set). Either
   * way the lease stays held, in the mode the call reported.
   */
  @Test
  void interruptedDownConversionLeavesTheLeaseHeldInTheModeItReports() throws Exception {
    String resource = freshResource();
    Lease writer = grant(manager(), resource, LockMode.EX);
    boolean converted;
    boolean interruptKept;
    Thread.currentThread().interrupt();
    try {
      writer.convert(LockMode.PR);
      converted = true;
    } catch (InterruptedException e) {
      converted = false;
    } finally {
      interruptKept = Thread.interrupted();
    }
    assertThat(writer.state()).isEqualTo(LeaseState.GRANTED);
    if (converted) {
      assertThat(interruptKept).as("interrupt kept after a conversion that was done").isTrue();
      assertThat(writer.mode()).isEqualTo(LockMode.PR);
      grant(peer(), resource, LockMode.PR).release();
    } else {
      assertRefused(peer(), resource, LockMode.PR);
      assertThat(writer.mode()).isEqualTo(LockMode.EX);
    }
    writer.checkValid();
    writer.release();
  }

  @Test
  void interruptRacingAConversionGrantNeverReleasesTheLease() throws Exception {
    LockManager contender = peerFor(CrossMember.BLOCKING_CALLBACKS);
    for (int round = 0; round < 5; round++) {
      String resource = freshResource();
      BlockingRecorder otherCallbacks = new BlockingRecorder();
      Lease converting = grant(manager(), resource, LockMode.PR);
      Lease other = contender.lock(resource, otherCallbacks.options()).acquire(LockMode.PR);
      Converter converter = Converter.start(converting, LockMode.EX);
      otherCallbacks.awaitCount(1);
      CompletableFuture<Void> released = CompletableFuture.runAsync(other::release);
      converter.interrupt();
      Throwable outcome = converter.outcome();
      released.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertThat(converting.state())
          .as("round %d: %s", round, outcome)
          .isEqualTo(LeaseState.GRANTED);
      if (outcome == null) {
        assertThat(converting.mode()).isEqualTo(LockMode.EX);
      } else {
        assertThat(outcome).isInstanceOf(InterruptedException.class);
        assertThat(converting.mode()).isEqualTo(LockMode.PR);
      }
      converting.release();
    }
  }

  /** A thread that converts a lease and reports how the call ended. */
  private static final class Converter {
    private final Thread thread;
    private final CompletableFuture<Throwable> outcome = new CompletableFuture<>();

    private Converter(Lease lease, LockMode target) {
      this.thread =
          new Thread(
              () -> {
                try {
                  lease.convert(target);
                  outcome.complete(null);
                } catch (Throwable t) {
                  outcome.complete(t);
                }
              },
              "tck-converter");
    }

    static Converter start(Lease lease, LockMode target) {
      Converter converter = new Converter(lease, target);
      converter.thread.start();
      return converter;
    }

    void interrupt() {
      thread.interrupt();
    }

    /** Null if the conversion was done, else what the call threw. */
    Throwable outcome() throws Exception {
      return outcome.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
