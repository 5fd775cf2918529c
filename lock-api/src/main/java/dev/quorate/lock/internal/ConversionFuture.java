package dev.quorate.lock.internal;

import dev.quorate.lock.Lease;
import java.util.concurrent.CompletableFuture;

/**
 * The future of a conversion. Cancelling it withdraws the conversion under the queue lock, so a
 * cancel either wins (the lease keeps its old mode) or returns false because the conversion was
 * granted or failed first; never both.
 */
final class ConversionFuture extends CompletableFuture<Lease> {
  private final LocalLease lease;

  ConversionFuture(LocalLease lease) {
    this.lease = lease;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return lease.manager().withdrawConversion(lease, this) && super.cancel(mayInterruptIfRunning);
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
