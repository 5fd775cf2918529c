package dev.quorate.lock.spi;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The blocking calls of semaphores and elections over their asynchronous requests. A request's
 * future is completed by the grant and cancelled by the caller, never both: the granting side
 * completes it and gives the grant back if the completion lost to a cancel. So a caller who stops
 * waiting cancels, and takes the grant if the cancel came too late.
 */
public final class Grants {
  private Grants() {}

  /**
   * Waits for a grant; an interrupt withdraws the request and gives back a grant that raced it.
   *
   * @param <T> the grant type
   * @param request the request
   * @param giveBack returns a grant nobody will use
   * @return the grant
   * @throws InterruptedException if interrupted
   */
  public static <T> T await(CompletableFuture<T> request, Consumer<T> giveBack)
      throws InterruptedException {
    try {
      return request.get();
    } catch (InterruptedException e) {
      withdraw(request, giveBack);
      throw e;
    } catch (ExecutionException e) {
      throw Requests.unwrap(e);
    }
  }

  /**
   * Waits at most {@code timeout} for a grant.
   *
   * @param <T> the grant type
   * @param request the request
   * @param timeout how long to wait
   * @param giveBack returns a grant nobody will use
   * @return the grant, or empty if the request was withdrawn at the timeout
   * @throws InterruptedException if interrupted
   */
  public static <T> Optional<T> awaitWithin(
      CompletableFuture<T> request, Duration timeout, Consumer<T> giveBack)
      throws InterruptedException {
    Requests.checkTimeout(timeout);
    try {
      return Optional.of(request.get(Requests.saturatedNanos(timeout), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      if (request.cancel(false)) {
        return Optional.empty();
      }
      return Optional.of(await(request, giveBack)); // granted as the time ran out: take it
    } catch (InterruptedException e) {
      withdraw(request, giveBack);
      throw e;
    } catch (ExecutionException e) {
      throw Requests.unwrap(e);
    }
  }

  private static <T> void withdraw(CompletableFuture<T> request, Consumer<T> giveBack) {
    if (!request.cancel(false)) {
      try {
        giveBack.accept(request.join());
      } catch (CancellationException | CompletionException e) {
        // Failed or cancelled: nothing was granted.
      }
    }
  }

  /**
   * Completes a request with its grant, or gives the grant back if the caller withdrew.
   *
   * @param <T> the grant type
   * @param request the request
   * @param grant the grant
   * @param giveBack returns the grant
   */
  public static <T> void complete(CompletableFuture<T> request, T grant, Consumer<T> giveBack) {
    if (!request.complete(grant)) {
      giveBack.accept(grant);
    }
  }
}
