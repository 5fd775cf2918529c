package dev.quorate.quorum.internal;

import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.Forwarded;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Requests (acquisitions and up-conversions) the gate has passed to the inner manager and that are
 * not yet granted, so that a loss of quorum can withdraw them: without quorum nothing new may be
 * granted, not even what was asked for before the loss.
 */
final class PendingRequests {
  private final Set<Pending<?>> pending = ConcurrentHashMap.newKeySet();

  /**
   * Tracks {@code source}; the returned future completes with {@code onGrant} applied to its
   * result, or with the failure, or with the reason given to {@link #abortAll}.
   *
   * @param onGrant turns the inner result into the caller's; may throw to refuse it, and must then
   *     have given back what it was handed
   * @param onOrphan gives back a result nobody will receive (the caller cancelled at that moment)
   */
  <I, O> CompletableFuture<O> track(
      CompletableFuture<I> source, Function<I, O> onGrant, Consumer<O> onOrphan) {
    Forwarded<O> result = new Forwarded<>(source);
    Pending<I> entry = new Pending<>(source);
    pending.add(entry);
    source.whenComplete(
        (granted, failure) -> {
          pending.remove(entry);
          if (failure != null) {
            QuorateException abort = entry.abort;
            result.completeExceptionally(
                abort != null && unwrap(failure) instanceof CancellationException
                    ? abort
                    : unwrap(failure));
            return;
          }
          O value;
          try {
            value = onGrant.apply(granted);
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
          }
          if (!result.complete(value)) {
            onOrphan.accept(value);
          }
        });
    return result;
  }

  /** Withdraws every tracked request; each that could be withdrawn fails with {@code reason}. */
  void abortAll(QuorateException reason) {
    for (Pending<?> entry : pending) {
      entry.abort = reason;
      entry.source.cancel(false);
    }
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private static final class Pending<I> {
    final CompletableFuture<I> source;
    volatile QuorateException abort;

    Pending(CompletableFuture<I> source) {
      this.source = source;
    }
  }
}
