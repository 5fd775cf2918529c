package dev.quorate.quorum.internal;

import java.util.concurrent.CompletableFuture;

/**
 * A future that completes from the gate's side but whose cancellation reaches the request
 * underneath: it counts as cancelled only if the inner request was withdrawn.
 */
final class Forwarded<T> extends CompletableFuture<T> {
  private final CompletableFuture<?> source;

  Forwarded(CompletableFuture<?> source) {
    this.source = source;
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
