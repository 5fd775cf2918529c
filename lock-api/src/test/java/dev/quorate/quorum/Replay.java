package dev.quorate.quorum;

/** Replays a history against a policy, one member's view, with a hand-driven monotonic time. */
final class Replay {
  private final QuorumPolicy policy;
  private QuorumState state;
  private long now;

  Replay(QuorumPolicy policy) {
    this.policy = policy;
    this.state = policy.initialState();
  }

  private Replay(QuorumPolicy policy, QuorumState state, long now) {
    this.policy = policy;
    this.state = state;
    this.now = now;
  }

  /** Evaluates the members with these ids at the current time. */
  QuorumState see(int... ids) {
    state = policy.evaluate(state, Membership.ofIds(ids), now);
    return state;
  }

  /** Evaluates a full membership at the current time. */
  QuorumState see(Membership membership) {
    state = policy.evaluate(state, membership, now);
    return state;
  }

  /** Moves time to {@code seconds} after the start and re-evaluates the same membership. */
  QuorumState at(double seconds) {
    now = (long) (seconds * Clusters.SECOND);
    state = policy.evaluate(state, Membership.of(state.members()), now);
    return state;
  }

  /** Moves time without evaluating. */
  Replay time(double seconds) {
    now = (long) (seconds * Clusters.SECOND);
    return this;
  }

  /** Another member's view from the same history (the other side of a split). */
  Replay fork() {
    return new Replay(policy, state, now);
  }

  QuorumState state() {
    return state;
  }
}
