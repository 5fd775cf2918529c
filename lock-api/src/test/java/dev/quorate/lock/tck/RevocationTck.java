package dev.quorate.lock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LeaseEvent;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Revocation;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Introspection and administrative revocation ({@link LockManager#inspect}, {@link
 * LockManager#revoke}). A manager that offers neither overrides {@link #inspectsAndRevokes()} and
 * is checked to refuse both clearly.
 */
public abstract class RevocationTck extends ConversionTck {

  /**
   * Says whether the manager under test implements {@code inspect} and {@code revoke}.
   *
   * @return true by default
   */
  protected boolean inspectsAndRevokes() {
    return true;
  }

  @Test
  void inspectShowsHoldersWithTheirTokensAndTheQueueInOrder() throws Exception {
    if (!inspectsAndRevokes()) {
      assertThatThrownBy(() -> manager().inspect(freshResource()))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("cannot inspect");
      return;
    }
    String resource = freshResource();
    Lease first = grant(manager(), resource, LockMode.PR);
    Lease second = grant(peer(), resource, LockMode.PR);
    CompletableFuture<Lease> writer = peer().lock(resource).acquireAsync(LockMode.EX);
    eventually().until(() -> manager().inspect(resource).queue().size() == 1);

    LockInspection seen = manager().inspect(resource);
    assertThat(seen.resource()).isEqualTo(resource);
    assertThat(seen.holders()).extracting(LockInspection.Holder::mode).containsOnly(LockMode.PR);
    assertThat(seen.holders())
        .extracting(h -> h.token().major())
        .containsExactlyInAnyOrder(first.token().major(), second.token().major());
    assertThat(seen.holders()).allSatisfy(h -> assertThat(h.member()).isNotBlank());
    assertThat(seen.queue()).extracting(LockInspection.Waiter::mode).containsExactly(LockMode.EX);
    assertThat(seen.revocations()).isEmpty();

    first.release();
    second.release();
    writer.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS).release();
    // No waiter is left; a caching member may keep its node (a holder) after the last release.
    eventually().until(() -> manager().inspect(resource).queue().isEmpty());
  }

  @Test
  void aRevokedHolderWhoseUpConversionWaitsLosesTheLeaseAndTheConversion() throws Exception {
    if (!inspectsAndRevokes()) {
      return; // the refusal is checked by inspectShowsHoldersWithTheirTokensAndTheQueueInOrder
    }
    assumeModes(LockMode.PR, LockMode.EX);
    String resource = freshResource();
    Lease holder = grant(manager(), resource, LockMode.PR);
    Lease other = grant(peer(), resource, LockMode.PR);
    CompletableFuture<Lease> upward = holder.convertAsync(LockMode.EX);
    eventually().until(() -> manager().inspect(resource).queue().size() == 1);

    manager().revoke(resource, holder.token(), "tck", "revoked while converting");
    other.release(); // frees the conversion's only blocker

    eventually().until(() -> holder.state() == LeaseState.LOST);
    assertThatThrownBy(() -> upward.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(java.util.concurrent.ExecutionException.class); // never granted from it
    assertThat(holder.mode()).isEqualTo(LockMode.PR);
    Lease next = grant(peer(), resource, LockMode.EX);
    assertThat(next.token()).isGreaterThan(holder.token());
    next.release();
  }

  @Test
  void aDownConvertedLeaseIsRevokedByTheTokenItReports() throws Exception {
    if (!inspectsAndRevokes()) {
      return;
    }
    assumeModes(LockMode.PR, LockMode.EX);
    String resource = freshResource();
    Lease holder = grant(manager(), resource, LockMode.EX);
    FencingToken granted = holder.token();
    holder.convert(LockMode.PR);
    assertThat(holder.token()).isEqualTo(granted); // a down-conversion keeps its token

    Revocation done = peer().revoke(resource, holder.token(), "ops", "down-converted holder");

    assertThat(done.token()).isEqualTo(granted);
    eventually().until(() -> holder.state() == LeaseState.LOST);
    Lease next = grant(peer(), resource, LockMode.EX);
    assertThat(next.token()).isGreaterThan(granted);
    next.release();
  }

  @Test
  void inspectShowsADownConvertedHolderWithTheTokenItReports() throws Exception {
    if (!inspectsAndRevokes()) {
      return;
    }
    assumeModes(LockMode.PR, LockMode.EX);
    String resource = freshResource();
    try (Lease holder = grant(manager(), resource, LockMode.EX)) {
      holder.convert(LockMode.PR);
      assertThat(peer().inspect(resource).holders())
          .extracting(LockInspection.Holder::token)
          .containsExactly(holder.token());
    }
  }

  @Test
  void aTokenSupersededByAnUpConversionIsRefusedNamingTheCurrentOne() throws Exception {
    if (!inspectsAndRevokes()) {
      return;
    }
    assumeModes(LockMode.PR, LockMode.EX);
    String resource = freshResource();
    Lease holder = grant(manager(), resource, LockMode.PR);
    FencingToken before = holder.token();
    holder.convert(LockMode.EX);
    FencingToken current = holder.token();
    assertThat(current).isGreaterThan(before);

    assertThatThrownBy(() -> peer().revoke(resource, before, "ops", "old token"))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("superseded by token " + current)
        .hasMessageContaining(before.toString())
        .satisfies(e -> assertThat(((QuorateException) e).code()).isEqualTo(ErrorCode.REFUSED));
    assertThat(holder.state()).isEqualTo(LeaseState.GRANTED);
    assertThat(peer().inspect(resource).revocations()).isEmpty();

    peer().revoke(resource, current, "ops", "current token");
    eventually().until(() -> holder.state() == LeaseState.LOST);
  }

  @Test
  void inspectOfAResourceNobodyLockedIsFree() throws Exception {
    if (!inspectsAndRevokes()) {
      return;
    }
    LockInspection seen = manager().inspect(freshResource());
    assertThat(seen.isFree()).isTrue();
    assertThat(seen.revocations()).isEmpty();
  }

  @Test
  void revokeLosesTheHolderGrantsTheWaiterAndSupersedesTheToken() throws Exception {
    if (!inspectsAndRevokes()) {
      assertThatThrownBy(() -> manager().revoke(freshResource(), FencingToken.of(1), "ops", "test"))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("cannot revoke");
      return;
    }
    String resource = freshResource();
    List<LeaseEvent> heard = new CopyOnWriteArrayList<>();
    LockOptions listened = LockOptions.builder().listener(heard::add).build();
    Lease holder = manager().lock(resource, listened).acquire(LockMode.EX);
    TokenGuard guard = TokenGuard.inMemory();
    guard.admit(holder.token());
    CompletableFuture<Lease> waiter = peer().lock(resource).acquireAsync(LockMode.EX);
    eventually().until(() -> manager().inspect(resource).queue().size() == 1);

    Revocation done = manager().revoke(resource, holder.token(), "ops/alice", "hung for 10 min");

    assertThat(done.token()).isEqualTo(holder.token());
    assertThat(done.requestedBy()).isEqualTo("ops/alice");
    eventually().until(() -> holder.state() == LeaseState.LOST);
    Lease next = waiter.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(next.token()).isGreaterThan(holder.token());
    guard.admit(next.token());
    assertThatThrownBy(() -> guard.admit(holder.token())).isInstanceOf(StaleTokenException.class);
    eventually().until(() -> heard.stream().anyMatch(e -> e.to() == LeaseState.LOST));
    assertThat(heard).extracting(LeaseEvent::to).containsExactly(LeaseState.LOST);

    LockInspection after = peer().inspect(resource);
    assertThat(after.holders())
        .extracting(h -> h.token().major())
        .containsExactly(next.token().major());
    assertThat(after.revocations())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.token()).isEqualTo(holder.token());
              assertThat(r.requestedBy()).isEqualTo("ops/alice");
              assertThat(r.reason()).isEqualTo("hung for 10 min");
              assertThat(r.holder()).isNotBlank();
            });
    next.release();
    holder.release(); // a lost lease's release changes nothing
    assertThat(holder.state()).isEqualTo(LeaseState.LOST);
  }

  @Test
  void revokingATokenNobodyHoldsIsRefusedAndRecordsNothing() throws Exception {
    if (!inspectsAndRevokes()) {
      return;
    }
    String resource = freshResource();
    FencingToken never = FencingToken.of(Long.MAX_VALUE / 2);
    assertThatThrownBy(() -> manager().revoke(resource, never, "ops", "test"))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("nothing to revoke")
        .hasMessageContaining(resource)
        .hasMessageContaining(never.toString())
        .satisfies(e -> assertThat(((QuorateException) e).code()).isEqualTo(ErrorCode.REFUSED));

    Lease lease = grant(manager(), resource, LockMode.EX);
    FencingToken token = lease.token();
    manager().revoke(resource, token, "ops", "first");
    assertThatThrownBy(() -> manager().revoke(resource, token, "ops", "again"))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("nothing to revoke");
    assertThat(manager().inspect(resource).revocations())
        .extracting(Revocation::reason)
        .containsExactly("first");
  }

  @Test
  void theHistoryKeepsTheLastSixteenRevocations() throws Exception {
    if (!inspectsAndRevokes()) {
      return;
    }
    String resource = freshResource();
    for (int i = 0; i < 17; i++) {
      Lease lease = grant(manager(), resource, LockMode.EX);
      manager().revoke(resource, lease.token(), "ops", "revocation " + i);
    }
    List<Revocation> kept = peer().inspect(resource).revocations();
    assertThat(kept).hasSize(16);
    assertThat(kept.get(0).reason()).isEqualTo("revocation 1");
    assertThat(kept.get(15).reason()).isEqualTo("revocation 16");
  }

  @Test
  void revokeRefusesABlankRequesterOrReason() throws Exception {
    if (!inspectsAndRevokes()) {
      return;
    }
    String resource = freshResource();
    try (Lease lease = grant(manager(), resource, LockMode.EX)) {
      assertThatThrownBy(() -> manager().revoke(resource, lease.token(), " ", "why"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("requestedBy");
      assertThatThrownBy(() -> manager().revoke(resource, lease.token(), "ops", ""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("reason");
      assertThat(lease.state()).isEqualTo(LeaseState.GRANTED);
    }
  }
}
