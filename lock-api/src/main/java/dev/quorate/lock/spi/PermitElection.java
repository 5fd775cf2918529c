package dev.quorate.lock.spi;

import dev.quorate.lock.Election;
import dev.quorate.lock.Leader;
import dev.quorate.lock.LeaderObserver;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.Permit;
import dev.quorate.lock.QuorateException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * An election over a {@link LeaderSeat}, the same for every lock manager: the seat's permit is the
 * leadership, and its end at the first state that is not GRANTED is what keeps two leaders apart.
 */
public final class PermitElection implements Election {
  private final String name;
  private final LeaderSeat seat;
  private final Executor events;
  private final LeaderObservers observers;

  /**
   * Creates the election.
   *
   * @param name the election's name
   * @param seat the manager's seat for this name
   * @param events where listeners and observers run
   */
  public PermitElection(String name, LeaderSeat seat, Executor events) {
    this.name = ResourceNames.check(name);
    this.seat = seat;
    this.events = events;
    this.observers = new LeaderObservers(seat, events);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Leadership campaign(String candidate) throws InterruptedException {
    return Grants.await(campaignAsync(candidate), Leadership::resign);
  }

  @Override
  public Optional<Leadership> tryCampaign(String candidate, Duration timeout)
      throws InterruptedException {
    Requests.checkTimeout(timeout);
    if (!timeout.isZero()) {
      return Grants.awaitWithin(campaignAsync(candidate), timeout, Leadership::resign);
    }
    ResourceNames.check(candidate);
    Permit free = Grants.await(seat.queue().claim(candidate, true), Permit::release);
    return Optional.ofNullable(free).map(this::lead);
  }

  @Override
  public CompletableFuture<Leadership> campaignAsync(String candidate) {
    ResourceNames.check(candidate);
    CompletableFuture<Permit> request;
    try {
      request = seat.queue().claim(candidate, false);
    } catch (QuorateException e) {
      return CompletableFuture.failedFuture(e); // closed: as the API says, through the future
    }
    CompletableFuture<Leadership> leadership = new CompletableFuture<>();
    leadership.whenComplete(
        (won, failure) -> {
          if (leadership.isCancelled()) {
            request.cancel(false); // the seat releases a permit granted meanwhile
          }
        });
    request.whenComplete(
        (permit, failure) -> {
          if (failure != null) {
            leadership.completeExceptionally(
                failure instanceof CompletionException ? failure.getCause() : failure);
          } else {
            Grants.complete(leadership, lead(permit), Leadership::resign);
          }
        });
    return leadership;
  }

  private Leadership lead(Permit permit) {
    return new PermitLeadership(name, ((HeldPermit) permit).asLeader(), permit, events);
  }

  @Override
  public Optional<Leader> leader() {
    return seat.read();
  }

  @Override
  public void addObserver(LeaderObserver observer) {
    observers.add(observer);
  }

  @Override
  public void removeObserver(LeaderObserver observer) {
    observers.remove(observer);
  }

  @Override
  public String toString() {
    return "election '" + name + "'";
  }
}
