package dev.quorate.quorum.internal;

import dev.quorate.lock.Election;
import dev.quorate.lock.Leader;
import dev.quorate.lock.LeaderObserver;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.Grants;
import dev.quorate.lock.spi.Requests;
import dev.quorate.lock.spi.ResourceNames;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An election seen through the quorum gate: a candidate campaigns only with quorum, a campaign that
 * waits is withdrawn when quorum is lost (as a lock request is), and a won leadership is a {@link
 * GatedLeadership}. The leader and its observers are the inner election's: a leadership the gate
 * revokes is resigned there, so every member sees it end.
 */
final class GatedElection implements Election {
  private final GatedLockManager gate;
  private final Election inner;

  GatedElection(GatedLockManager gate, Election inner) {
    this.gate = gate;
    this.inner = inner;
  }

  @Override
  public String name() {
    return inner.name();
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
    gate.checkQuorum(what(candidate));
    return inner.tryCampaign(candidate, Duration.ZERO).map(gate::admit);
  }

  @Override
  public CompletableFuture<Leadership> campaignAsync(String candidate) {
    ResourceNames.check(candidate);
    try {
      gate.checkQuorum(what(candidate));
    } catch (QuorateException e) {
      return CompletableFuture.failedFuture(e);
    }
    return gate.pending().track(inner.campaignAsync(candidate), gate::admit, Leadership::resign);
  }

  private String what(String candidate) {
    return "the campaign of '" + candidate + "' in election '" + inner.name() + "'";
  }

  @Override
  public Optional<Leader> leader() {
    return inner.leader();
  }

  @Override
  public void addObserver(LeaderObserver observer) {
    inner.addObserver(observer);
  }

  @Override
  public void removeObserver(LeaderObserver observer) {
    inner.removeObserver(observer);
  }

  @Override
  public String toString() {
    return "QuorumGate." + inner;
  }
}
