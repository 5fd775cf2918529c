package dev.quorate.lock.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A future completed by a layer above a request (a quorum gate, a cohort) whose cancellation
 * reaches the request underneath: it counts as cancelled only if the request was withdrawn. Unlike
 * {@link CompletableFuture#thenApply}, whose cancel leaves the source running.
 *
 * @param <T> the type of the result
 */
public final class Forwarded<T> extends CompletableFuture<T> {
  private final CompletableFuture<?> source;

  /**
   * Creates a future whose cancel cancels {@code source}.
   *
   * @param source the request underneath
   */
  public Forwarded(CompletableFuture<?> source) {
    this.source = source;
  }

  /**
   * Returns a future completed with {@code value} when {@code source} completes normally, and with
   * its failure otherwise; cancelling it cancels {@code source}.
   *
   * @param source the request
   * @param value what the returned future completes with
   * @param <T> the type of the value
   * @return the forwarding future
   */
  public static <T> Forwarded<T> completingWith(CompletableFuture<?> source, T value) {
    Forwarded<T> forwarded = new Forwarded<>(source);
    source.whenComplete(
        (done, failure) -> {
          if (failure == null) {
            forwarded.complete(value);
          } else {
            forwarded.completeExceptionally(
                failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure);
          }
        });
    return forwarded;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return source.cancel(mayInterruptIfRunning) && super.cancel(mayInterruptIfRunning);
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
