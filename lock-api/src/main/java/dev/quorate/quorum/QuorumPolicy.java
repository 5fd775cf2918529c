package dev.quorate.quorum;

import dev.quorate.lock.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The corosync votequorum rules, as pure functions over a {@link Topology}. Immutable.
 *
 * <p>{@link #evaluate} turns the previous {@link QuorumState}, the {@link Membership} one member
 * sees and a monotonic time into the next state. It reads no clock and keeps no state of its own,
 * so every member computing from the same inputs gets the same answer, and tests replay any
 * history. The rules, as in votequorum:
 *
 * <ul>
 *   <li><b>threshold</b> = {@code expected / 2 + 1} (integer division). <b>Expected votes</b> start
 *       at the topology's total plus the declared {@link VoteSource} votes and only rise: to the
 *       votes present when those are more, never down, except by last_man_standing.
 *   <li><b>wait_for_all</b>: not quorate until every expected vote has been present at the same
 *       time; armed at start and re-armed whenever the member loses quorum (as votequorum does). A
 *       member that joins a partition where a member reports itself quorate stops waiting.
 *   <li><b>two_node</b>: exactly two members; the threshold is 1 while at most two are present, so
 *       each survives the other's death, and in a split both are quorate and fencing decides (the
 *       fence race; use fence delays). Implies wait_for_all unless that is explicitly turned off.
 *   <li><b>last_man_standing</b>: when members leave and the rest is still quorate, a window
 *       (default 10 s) starts; a later departure restarts it. When it ends with the partition
 *       quorate, expected votes become the votes present, so 8 -> 5 -> 3 -> 2 stays quorate, each
 *       step after its window. 2 -> 1 is quorate only with an auto_tie_breaker that favours the
 *       last member. Every member must have 1 vote.
 *   <li><b>auto_tie_breaker</b>: a partition with exactly {@code expected / 2} votes is quorate if
 *       the members that left hold fewer votes than the threshold (so the other side cannot be
 *       quorate) and the {@link TieBreaker} grants it. With an odd number of expected votes it
 *       requires wait_for_all.
 * </ul>
 *
 * <p>Unsafe or contradictory combinations are refused by {@link Builder#build()} with a {@link
 * ConfigurationException}: two_node with other than two members, with both on one host, or with
 * last_man_standing, auto_tie_breaker or a vote source; last_man_standing with a member of more
 * than one vote or with a vote source; auto_tie_breaker with odd expected votes and no
 * wait_for_all, or with a vote source.
 *
 * <pre>{@code
 * QuorumPolicy policy = QuorumPolicy.builder(topology)
 *     .waitForAll(true)
 *     .lastManStanding(true)
 *     .autoTieBreaker(TieBreaker.lowest())
 *     .build();
 * QuorumState state = policy.initialState();
 * state = policy.evaluate(state, Membership.ofIds(1, 2, 3, 4), System.nanoTime());
 * }</pre>
 */
public final class QuorumPolicy {
  /** votequorum's default last_man_standing_window. */
  public static final Duration DEFAULT_LAST_MAN_STANDING_WINDOW = Duration.ofSeconds(10);

  private final Topology topology;
  private final boolean waitForAll;
  private final boolean twoNode;
  private final boolean lastManStanding;
  private final Duration lastManStandingWindow;
  private final TieBreaker tieBreaker;
  private final Map<String, VoteSource> voteSources;
  private final int configuredExpectedVotes;

  private QuorumPolicy(Builder b, boolean waitForAll, Map<String, VoteSource> voteSources) {
    this.topology = b.topology;
    this.waitForAll = waitForAll;
    this.twoNode = b.twoNode;
    this.lastManStanding = b.lastManStanding;
    this.lastManStandingWindow = b.lastManStandingWindow;
    this.tieBreaker = b.tieBreaker;
    this.voteSources = Collections.unmodifiableMap(voteSources);
    this.configuredExpectedVotes =
        topology.totalVotes() + voteSources.values().stream().mapToInt(VoteSource::votes).sum();
  }

  /**
   * Starts a policy over a topology; every option is off until set.
   *
   * @param topology the configured cluster
   * @return a new builder
   * @throws NullPointerException if {@code topology} is null
   */
  public static Builder builder(Topology topology) {
    return new Builder(topology);
  }

  /**
   * Returns the state before any membership was seen: inquorate, wait_for_all armed if enabled.
   *
   * @return the initial state
   */
  public QuorumState initialState() {
    return initialState(0);
  }

  /**
   * Returns the state before any membership was seen, resuming expected votes a previous run
   * persisted, so that they keep rising across restarts.
   *
   * @param persistedExpectedVotes the {@link QuorumState#expectedVotes()} saved earlier, or 0
   * @return the initial state; its expected votes are the larger of the configured and persisted
   * @throws IllegalArgumentException if {@code persistedExpectedVotes} is negative
   */
  public QuorumState initialState(int persistedExpectedVotes) {
    if (persistedExpectedVotes < 0) {
      throw new IllegalArgumentException(
          "persistedExpectedVotes must not be negative, got " + persistedExpectedVotes);
    }
    int expected = Math.max(configuredExpectedVotes, persistedExpectedVotes);
    return Votequorum.initial(this, expected);
  }

  /**
   * Computes the next state from the previous one and the membership now seen. Pure: the same
   * arguments always give the same result.
   *
   * <p>A last_man_standing window that ended at or before {@code nowNanos} is applied first, to the
   * membership it was started for; then the new membership is evaluated. Call again with the same
   * membership when {@link QuorumState#lastManStandingDeadline()} passes ({@link QuorumService}
   * does).
   *
   * @param previous the state returned by the previous call, or {@link #initialState()}
   * @param membership what the local member sees now
   * @param nowNanos the current time of a monotonic clock (like {@link System#nanoTime()}), never
   *     the wall clock, in the same time base as every previous call
   * @return the new state
   * @throws IllegalArgumentException if the membership names a member not in the topology or a vote
   *     source not declared in this policy
   * @throws NullPointerException if an argument is null
   */
  public QuorumState evaluate(QuorumState previous, Membership membership, long nowNanos) {
    return Votequorum.evaluate(
        this,
        Objects.requireNonNull(previous, "previous"),
        Objects.requireNonNull(membership, "membership"),
        nowNanos);
  }

  /**
   * Returns the configured cluster.
   *
   * @return the topology
   */
  public Topology topology() {
    return topology;
  }

  /**
   * Tells whether wait_for_all is in effect (set, or implied by two_node).
   *
   * @return true if wait_for_all is in effect
   */
  public boolean waitForAll() {
    return waitForAll;
  }

  /**
   * Tells whether two_node is enabled.
   *
   * @return true if two_node is enabled
   */
  public boolean twoNode() {
    return twoNode;
  }

  /**
   * Tells whether last_man_standing is enabled.
   *
   * @return true if last_man_standing is enabled
   */
  public boolean lastManStanding() {
    return lastManStanding;
  }

  /**
   * Returns the last_man_standing window.
   *
   * @return the window, positive
   */
  public Duration lastManStandingWindow() {
    return lastManStandingWindow;
  }

  /**
   * Returns the auto_tie_breaker, if enabled.
   *
   * @return the tie-breaker, or empty
   */
  public Optional<TieBreaker> autoTieBreaker() {
    return Optional.ofNullable(tieBreaker);
  }

  /**
   * Returns the declared vote sources by name, in declaration order.
   *
   * @return the vote sources, unmodifiable
   */
  public Map<String, VoteSource> voteSources() {
    return voteSources;
  }

  /**
   * Returns the configured expected votes: the topology's votes plus the vote sources' votes.
   *
   * @return the configured expected votes
   */
  public int configuredExpectedVotes() {
    return configuredExpectedVotes;
  }

  /**
   * Returns warnings about the topology under this policy: each host whose loss alone would cost
   * quorum (the members on it carry too many votes). Not errors: a small cluster may have no better
   * layout, but the operator should know.
   *
   * @return one message per such host, empty if none
   */
  public List<String> warnings() {
    return warnings(MemberId::toString);
  }

  /**
   * Returns {@link #warnings()} with the members named by {@code names}, for a caller that knows
   * the operator's names of the members (a fence guard).
   *
   * <pre>{@code
   * policy.warnings(id -> hostnames.getOrDefault(id, id.toString())).forEach(log::warn);
   * }</pre>
   *
   * @param names the name of each member id
   * @return one message per such host, empty if none
   */
  public List<String> warnings(Function<MemberId, String> names) {
    Objects.requireNonNull(names, "names");
    List<String> warnings = new ArrayList<>();
    for (String host : topology.hosts()) {
      int remaining = configuredExpectedVotes - topology.votesOn(host);
      // The survivors' threshold: under two_node a lone survivor needs only one vote.
      int threshold =
          Votequorum.threshold(
              this, configuredExpectedVotes, topology.size() - topology.membersOn(host).size());
      if (remaining < threshold) {
        warnings.add(
            "host "
                + host
                + " runs members "
                + topology.membersOn(host).stream()
                    .map(names)
                    .collect(Collectors.joining(", ", "[", "]"))
                + " with "
                + topology.votesOn(host)
                + " of "
                + configuredExpectedVotes
                + " votes: losing it leaves "
                + remaining
                + ", below the threshold "
                + threshold);
      }
    }
    return List.copyOf(warnings);
  }

  @Override
  public String toString() {
    return "QuorumPolicy[expected="
        + configuredExpectedVotes
        + ", wait_for_all="
        + waitForAll
        + ", two_node="
        + twoNode
        + ", last_man_standing="
        + (lastManStanding ? lastManStandingWindow : "off")
        + ", auto_tie_breaker="
        + (tieBreaker == null ? "off" : tieBreaker)
        + ", vote_sources="
        + voteSources.keySet()
        + "]";
  }

  /** Collects the options and checks them together in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final Topology topology;
    private Boolean waitForAll;
    private boolean twoNode;
    private boolean lastManStanding;
    private Duration lastManStandingWindow = DEFAULT_LAST_MAN_STANDING_WINDOW;
    private TieBreaker tieBreaker;
    private final List<VoteSource> voteSources = new ArrayList<>();

    private Builder(Topology topology) {
      this.topology = Objects.requireNonNull(topology, "topology");
    }

    /**
     * Sets wait_for_all. When not called, it follows two_node.
     *
     * @param enabled whether to wait for all expected votes before the first quorum
     * @return this builder
     */
    public Builder waitForAll(boolean enabled) {
      this.waitForAll = enabled;
      return this;
    }

    /**
     * Sets two_node.
     *
     * @param enabled whether a two-member cluster keeps quorum with one member
     * @return this builder
     */
    public Builder twoNode(boolean enabled) {
      this.twoNode = enabled;
      return this;
    }

    /**
     * Sets last_man_standing.
     *
     * @param enabled whether expected votes shrink to the votes present after a stable window
     * @return this builder
     */
    public Builder lastManStanding(boolean enabled) {
      this.lastManStanding = enabled;
      return this;
    }

    /**
     * Sets the last_man_standing window (default 10 s).
     *
     * @param window how long the membership must stay without departures; from 1 ms to 1 day
     * @return this builder
     * @throws NullPointerException if {@code window} is null
     */
    public Builder lastManStandingWindow(Duration window) {
      this.lastManStandingWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /**
     * Enables auto_tie_breaker.
     *
     * @param tieBreaker decides exact halves, for example {@link TieBreaker#lowest()}
     * @return this builder
     * @throws NullPointerException if {@code tieBreaker} is null
     */
    public Builder autoTieBreaker(TieBreaker tieBreaker) {
      this.tieBreaker = Objects.requireNonNull(tieBreaker, "tieBreaker");
      return this;
    }

    /**
     * Declares a vote source; its votes count towards the expected votes.
     *
     * @param source the source; its name must be unique in this policy
     * @return this builder
     * @throws NullPointerException if {@code source} is null
     */
    public Builder voteSource(VoteSource source) {
      voteSources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /**
     * Checks the options together and builds the policy.
     *
     * @return the immutable policy
     * @throws ConfigurationException naming the option, the bad value and what is accepted, for
     *     every combination votequorum refuses or disables (see {@link QuorumPolicy})
     */
    public QuorumPolicy build() {
      Map<String, VoteSource> sources = new LinkedHashMap<>();
      for (VoteSource source : voteSources) {
        if (sources.putIfAbsent(source.name(), source) != null) {
          throw new ConfigurationException(
              "quorum.vote_source.name: '"
                  + source.name()
                  + "' is declared twice; names must be unique");
        }
      }
      boolean effectiveWaitForAll = waitForAll != null ? waitForAll : twoNode;
      PolicyChecks.check(this, effectiveWaitForAll, sources.keySet());
      return new QuorumPolicy(this, effectiveWaitForAll, sources);
    }

    Topology topology() {
      return topology;
    }

    boolean twoNode() {
      return twoNode;
    }

    boolean lastManStanding() {
      return lastManStanding;
    }

    Duration lastManStandingWindow() {
      return lastManStandingWindow;
    }

    TieBreaker tieBreaker() {
      return tieBreaker;
    }

    int sourceVotes() {
      return voteSources.stream().mapToInt(VoteSource::votes).sum();
    }
  }
}
