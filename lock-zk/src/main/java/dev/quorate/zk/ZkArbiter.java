package dev.quorate.zk;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.TieBreaker;
import dev.quorate.quorum.VoteSource;
import dev.quorate.zk.internal.ArbiterNodes;
import dev.quorate.zk.internal.ArbiterSession;
import dev.quorate.zk.internal.CuratorClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import org.apache.curator.framework.CuratorFramework;

/**
 * An external arbiter for 50:50 splits, like corosync-qnetd with the "ffsplit" algorithm, kept on a
 * ZooKeeper "witness" ensemble outside the cluster (a third site, or a small server the cluster
 * does not run on).
 *
 * <p>Each member reports to the witness, in an ephemeral node: its id, the partition it sees, how
 * its {@link ArbiterHeuristic}s went, and whether it was quorate before its partition last changed.
 * Every member then computes the same {@link ArbiterDecision} from all reports with the pure
 * function {@link Ffsplit#decide} (more than half wins; at 50:50 the higher score, then more active
 * members, then the side quorate before, then the lowest or highest id). No member is elected to
 * decide; instead one ephemeral vote token on the witness names the partition holding the vote, so
 * two members that read the witness at slightly different moments can never both count it: the
 * winning partition creates the token only when it is absent and no member outside it still reports
 * counting the vote, the member that created it deletes it when the decision moves, and a cut-off
 * holder loses it with its witness session.
 *
 * <p>The arbiter gives its vote through {@link #voteSource()} (one vote that counts towards the
 * expected votes, like a qdevice) or decides exact halves through {@link #tieBreaker()}. A member
 * whose witness connection is SUSPENDED casts no vote from that moment: no connection to the
 * arbiter, no vote.
 *
 * <pre>{@code
 * ZkArbiter arbiter = ZkArbiter.builder()
 *     .connectString("witness:2181")
 *     .localMember(MemberId.of(1))
 *     .heuristic(ArbiterHeuristic.command(List.of("ping", "-c1", "10.0.0.1"), Duration.ofSeconds(2)))
 *     .build();
 * QuorumPolicy policy = QuorumPolicy.builder(topology).voteSource(arbiter.voteSource()).build();
 * QuorumService quorum = QuorumService.builder(policy, MemberId.of(1)).build();
 * arbiter.attach(quorum);
 * }</pre>
 */
public final class ZkArbiter implements AutoCloseable {
  private final ArbiterSession session;
  private final CuratorFramework ownedClient;
  private final MemberId localMember;
  private final VoteSource voteSource;
  private final TieBreaker tieBreaker;

  private ZkArbiter(
      ArbiterSession session, CuratorFramework ownedClient, MemberId localMember, int votes) {
    this.session = session;
    this.ownedClient = ownedClient;
    this.localMember = localMember;
    this.voteSource = new ArbiterVoteSource(session, votes);
    this.tieBreaker = context -> session.castsVote(context.partition());
  }

  /** The arbiter's vote as a {@link VoteSource}. */
  private record ArbiterVoteSource(ArbiterSession session, int votes) implements VoteSource {
    @Override
    public String name() {
      return "arbiter";
    }

    @Override
    public boolean castsVote(SortedSet<MemberId> partition) {
      return session.castsVote(partition);
    }

    @Override
    public String toString() {
      return "arbiter vote source (" + votes + " vote(s))";
    }
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the arbiter as a vote source named {@code arbiter}: its votes go to the partition the
   * arbiter chose, and to none while this member cannot reach the witness.
   *
   * @return the vote source to declare in the {@link dev.quorate.quorum.QuorumPolicy}
   */
  public VoteSource voteSource() {
    return voteSource;
  }

  /**
   * Returns the arbiter as an auto_tie_breaker: an exact half is quorate only if the arbiter chose
   * it.
   *
   * @return the tie-breaker to declare in the {@link dev.quorate.quorum.QuorumPolicy}
   */
  public TieBreaker tieBreaker() {
    return tieBreaker;
  }

  /**
   * Starts reporting the service's partition to the witness and deciding. Call once, right after
   * building the service whose policy uses {@link #voteSource()} or {@link #tieBreaker()}.
   *
   * @param quorum the local member's quorum service
   * @throws ConfigurationException if the service's policy declares neither {@link #voteSource()}
   *     nor {@link #tieBreaker()} of this arbiter (its vote would never count), or its topology
   *     lacks the arbiter's local member
   * @throws IllegalStateException if already attached
   */
  public void attach(QuorumService quorum) {
    QuorumPolicy policy = Objects.requireNonNull(quorum, "quorum").policy();
    if (!policy.voteSources().containsValue(voteSource)
        && !policy.autoTieBreaker().map(t -> t == tieBreaker).orElse(false)) {
      throw new ConfigurationException(
          "arbiter of member "
              + localMember
              + ": the quorum service's policy declares neither this arbiter's voteSource() nor"
              + " its tieBreaker(), so its vote would never count; declare one of them");
    }
    if (!policy.topology().contains(localMember)) {
      throw new ConfigurationException(
          "arbiter.local_member: member "
              + localMember
              + " is not in the quorum service's topology; accepted: "
              + policy.topology().ids());
    }
    session.attach(quorum);
  }

  /**
   * Returns the latest decision this member computed from the witness's reports.
   *
   * @return the decision, with the rule and numbers that made it
   */
  public ArbiterDecision decision() {
    return session.decision();
  }

  /**
   * Stops reporting; the vote is withheld from now on. Withdraws this member's report and any vote
   * token it holds from the witness; if the witness is unreachable at that moment, they go with the
   * witness session, or are withdrawn as soon as a client you keep open reconnects to the same
   * session. Closes the witness client only if the builder created it.
   */
  @Override
  public void close() {
    session.close();
    if (ownedClient != null) {
      ownedClient.close();
    }
  }

  /**
   * What a witness holds, as an operator's tool reads it: each member's newest report and the
   * partition holding the arbiter's vote.
   *
   * @param reports each reporting member's newest report, by ascending member id
   * @param casting the members that count the arbiter's vote for their partition now
   * @param votedPartition the partition named by the vote token, or empty if nobody holds it
   * @param tokenOwner the member whose session holds the vote token, or empty
   */
  public record Observation(
      List<ArbiterReport> reports,
      java.util.Set<MemberId> casting,
      java.util.Optional<SortedSet<MemberId>> votedPartition,
      java.util.Optional<MemberId> tokenOwner) {
    /**
     * Copies.
     *
     * @param reports the reports
     * @param casting the casting members
     * @param votedPartition the voted partition
     * @param tokenOwner the token's owner
     */
    public Observation {
      reports = List.copyOf(reports);
      casting = java.util.Set.copyOf(casting);
      Objects.requireNonNull(votedPartition, "votedPartition");
      Objects.requireNonNull(tokenOwner, "tokenOwner");
    }
  }

  /**
   * Reads, without reporting or watching, what the members report to an arbiter's witness and who
   * holds its vote.
   *
   * <pre>{@code
   * ZkArbiter.Observation seen = ZkArbiter.observe(witnessCurator, "/quorate/arbiter");
   * seen.votedPartition().ifPresent(p -> System.out.println("arbiter votes for " + p));
   * }</pre>
   *
   * @param curator a started, connected client of the witness
   * @param rootPath the arbiter's root path (default {@code /quorate/arbiter})
   * @return the observation; no reports and no vote when no member reports there
   * @throws IllegalArgumentException if the path is not absolute or ends in {@code /}
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#REFUSED}
   *     naming the path if an ACL refuses this client, {@link
   *     dev.quorate.lock.ErrorCode#CORRUPT_DATA} naming a node that is not the arbiter's, {@link
   *     dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if ZooKeeper fails
   */
  public static Observation observe(CuratorFramework curator, String rootPath) {
    String root = BuilderChecks.rootPath(rootPath, "/quorate/arbiter");
    ArbiterNodes.Observed seen;
    try {
      seen = ArbiterNodes.observe(Objects.requireNonNull(curator, "curator"), root);
    } catch (IllegalArgumentException e) {
      throw new dev.quorate.lock.QuorateException(
          dev.quorate.lock.ErrorCode.CORRUPT_DATA, e.getMessage(), e);
    } catch (org.apache.zookeeper.KeeperException.NoAuthException e) {
      throw new dev.quorate.lock.QuorateException(
          dev.quorate.lock.ErrorCode.REFUSED,
          "the ACL of " + e.getPath() + " refuses to read it to this client",
          e);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new dev.quorate.lock.QuorateException(
          dev.quorate.lock.ErrorCode.CONNECTION_LOSS, "cannot read the arbiter at " + root, e);
    }
    List<ArbiterReport> reports = new ArrayList<>();
    java.util.Set<MemberId> casting = new java.util.TreeSet<>();
    seen.reports()
        .forEach(
            (id, stored) -> {
              reports.add(stored.report());
              if (stored.castingVote()) {
                casting.add(id);
              }
            });
    return new Observation(
        reports,
        casting,
        seen.token().map(ArbiterNodes.Token::partition),
        seen.token().map(ArbiterNodes.Token::owner));
  }

  /** Options for a {@link ZkArbiter}. Not thread-safe. */
  public static final class Builder {
    private String connectString;
    private CuratorFramework curator;
    private String rootPath = "/quorate/arbiter";
    private Duration sessionTimeout = Duration.ofSeconds(10);
    private Duration connectionTimeout = Duration.ofSeconds(15);
    private ZkSecurity security = ZkSecurity.none();
    private MemberId localMember;
    private final List<ArbiterHeuristic> heuristics = new ArrayList<>();
    private Ffsplit.LastResort lastResort = Ffsplit.LastResort.LOWEST_ID;
    private int votes = 1;

    private Builder() {}

    /**
     * Connects to the witness with a client the arbiter owns.
     *
     * @param connectString the witness's {@code host:port[,host:port...]}
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder connectString(String connectString) {
      this.connectString = BuilderChecks.connectString(connectString);
      return this;
    }

    /**
     * Uses a witness client you own; started if needed, never closed by the arbiter. It must not be
     * the cluster's own client: the arbiter is useful only outside the cluster.
     *
     * @param curator the witness client
     * @return this builder
     */
    public Builder curator(CuratorFramework curator) {
      this.curator = Objects.requireNonNull(curator, "curator");
      return this;
    }

    /**
     * Sets the arbiter's path on the witness (default {@code /quorate/arbiter}); one per cluster.
     *
     * @param rootPath an absolute path, not ending in {@code /}
     * @return this builder
     * @throws IllegalArgumentException if the path is not absolute or ends in {@code /}
     */
    public Builder rootPath(String rootPath) {
      this.rootPath = BuilderChecks.rootPath(rootPath, "/quorate/arbiter");
      return this;
    }

    /**
     * Sets the witness session timeout of an owned client (default 10 s).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder sessionTimeout(Duration timeout) {
      this.sessionTimeout = BuilderChecks.positive(timeout, "sessionTimeout");
      return this;
    }

    /**
     * Sets how long {@link #build()} waits for the witness (default 15 s). The client this builder
     * creates gives up one connection attempt after this or the session timeout, whichever is
     * shorter: an attempt outlasting the session could only find it expired.
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder connectionTimeout(Duration timeout) {
      this.connectionTimeout = BuilderChecks.positive(timeout, "connectionTimeout");
      return this;
    }

    /**
     * Sets authentication, ACLs and TLS of the client this builder creates, as {@link
     * ZkLockManagerBuilder#security(ZkSecurity)} does: with an identity, the nodes the arbiter
     * creates are open to that identity only. With {@link #curator(CuratorFramework)}, configure
     * that client instead (authentication, TLS and its ACL provider); this setting is then ignored.
     *
     * @param security the setting
     * @return this builder
     */
    public Builder security(ZkSecurity security) {
      this.security = Objects.requireNonNull(security, "security");
      return this;
    }

    /**
     * Sets the local member.
     *
     * @param id the local member's id
     * @return this builder
     */
    public Builder localMember(MemberId id) {
      this.localMember = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * Adds a heuristic, run whenever the member's partition changes.
     *
     * @param heuristic the check
     * @return this builder
     */
    public Builder heuristic(ArbiterHeuristic heuristic) {
      heuristics.add(Objects.requireNonNull(heuristic, "heuristic"));
      return this;
    }

    /**
     * Sets which member id wins when every other rule ties (default lowest, as qnetd).
     *
     * @param lastResort lowest or highest id
     * @return this builder
     */
    public Builder lastResort(Ffsplit.LastResort lastResort) {
      this.lastResort = Objects.requireNonNull(lastResort, "lastResort");
      return this;
    }

    /**
     * Sets the votes of {@link #voteSource()} (default 1, as a qdevice under ffsplit).
     *
     * @param votes from 1 to 1000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder votes(int votes) {
      if (votes < 1 || votes > 1_000) {
        throw new IllegalArgumentException("arbiter votes must be 1..1000, got " + votes);
      }
      this.votes = votes;
      return this;
    }

    /**
     * Connects to the witness.
     *
     * @return the arbiter, not yet attached
     * @throws ConfigurationException if not exactly one of connect string or curator was given, or
     *     the local member is missing
     * @throws dev.quorate.lock.QuorateException with {@link
     *     dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if the witness did not answer in time
     * @throws InterruptedException if interrupted while connecting
     */
    public ZkArbiter build() throws InterruptedException {
      if ((connectString == null) == (curator == null)) {
        throw new ConfigurationException(
            "arbiter: give exactly one of connectString or curator; got "
                + (connectString == null ? "neither" : "both"));
      }
      if (localMember == null) {
        throw new ConfigurationException("arbiter: localMember is required");
      }
      CuratorFramework client = curator;
      CuratorFramework owned = null;
      if (client == null) {
        client = ZkClients.create(connectString, sessionTimeout, connectionTimeout, security);
        owned = client;
      }
      try {
        CuratorClients.connect(client, connectionTimeout, rootPath);
      } catch (RuntimeException | InterruptedException e) {
        if (owned != null) {
          owned.close();
        }
        throw e;
      }
      return new ZkArbiter(
          new ArbiterSession(client, rootPath, localMember, heuristics, lastResort),
          owned,
          localMember,
          votes);
    }
  }
}
