package dev.quorate.zk;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.quorum.Member;
import dev.quorate.quorum.Membership;
import dev.quorate.quorum.QuorumService;
import dev.quorate.zk.internal.CuratorClients;
import dev.quorate.zk.internal.MembershipSession;
import dev.quorate.zk.internal.ZkMemberNodes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;

/**
 * Cluster membership through ZooKeeper: the local member registers an ephemeral member node, every
 * member watches all member nodes, and each feeds its own {@link QuorumService} with the members it
 * sees alive, so every member computes quorum from the same live set.
 *
 * <p>A member node holds the member's id, votes, host, incarnation and whether the member currently
 * considers itself quorate (peers use that for wait_for_all: a member joining a quorate partition
 * need not wait for all votes again). Failure semantics:
 *
 * <ul>
 *   <li>When the connection is SUSPENDED (or LOST), the service is fed the local member alone at
 *       once, so {@link QuorumService#grantsAllowed()} turns false before the session could expire
 *       and the other members could act without this one. (Under two_node the lone member stays
 *       quorate by design; that setup relies on fencing.)
 *   <li>On RECONNECTED with the same session, the members are read again and fed.
 *   <li>After the session was lost, the member registers again with a new session and the next
 *       incarnation. Nodes of a member's older sessions are ignored: the newest node counts.
 * </ul>
 *
 * <pre>{@code
 * QuorumService quorum = QuorumService.builder(policy, MemberId.of(1)).build();
 * try (ZkMembership membership = ZkMembership.builder()
 *         .connectString("zk1:2181,zk2:2181,zk3:2181")
 *         .localMember(new Member(MemberId.of(1), 1, "hv-1"))
 *         .quorumService(quorum)
 *         .build();
 *     LockManager locks = QuorumGate.requireQuorum(ZkLockManager.builder()...build(), quorum)) {
 *   ...
 * }
 * }</pre>
 */
public final class ZkMembership implements AutoCloseable {
  private final MembershipSession session;
  private final CuratorFramework ownedClient;

  private ZkMembership(MembershipSession session, CuratorFramework ownedClient) {
    this.session = session;
    this.ownedClient = ownedClient;
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
   * What one member publishes in its member node, as an operator's tool reads it.
   *
   * @param member the member's id, votes and host
   * @param incarnation one per ZooKeeper session the member registered with, from 1
   * @param quorate whether the member considered itself quorate when it last wrote its node
   */
  public record Registration(Member member, long incarnation, boolean quorate) {
    /**
     * Checks.
     *
     * @param member the member
     * @param incarnation the incarnation
     * @param quorate its own view of its quorum
     * @throws NullPointerException if {@code member} is null
     */
    public Registration {
      Objects.requireNonNull(member, "member");
    }
  }

  /**
   * Reads, without registering, the members registered now under a membership root: each member's
   * newest node (an older session's node may linger until its session expires). A node that is not
   * a member record is skipped and logged.
   *
   * <pre>{@code
   * ZkMembership.read(curator, "/quorate/members")
   *     .forEach(r -> System.out.println(r.member() + (r.quorate() ? " quorate" : "")));
   * }</pre>
   *
   * @param curator a started, connected client
   * @param rootPath the membership's root path (default {@code /quorate/members})
   * @return the registered members, by member id; empty if none has registered
   * @throws IllegalArgumentException if the path is not absolute or ends in {@code /}
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#REFUSED}
   *     naming the path if its ACL refuses this client, {@link
   *     dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if ZooKeeper fails
   * @throws InterruptedException if interrupted
   */
  public static List<Registration> read(CuratorFramework curator, String rootPath)
      throws InterruptedException {
    String root = BuilderChecks.rootPath(rootPath, "/quorate/members");
    return ZkMemberNodes.readNewest(Objects.requireNonNull(curator, "curator"), root).stream()
        .map(r -> new Registration(r.member(), r.incarnation(), r.quorate()))
        .toList();
  }

  /**
   * Returns the membership last fed to the quorum service.
   *
   * @return the live members this member counts now; only itself while cut off
   */
  public Membership current() {
    return session.lastFed();
  }

  /**
   * Returns the incarnation of the local member's registration.
   *
   * @return 1 after the first registration, one more after each new session
   */
  public long incarnation() {
    return session.incarnation();
  }

  /**
   * Leaves the membership: deletes the member node and stops watching. Closes the ZooKeeper client
   * only if the builder created it. The quorum service stays open.
   */
  @Override
  public void close() {
    session.close();
    if (ownedClient != null) {
      ownedClient.close();
    }
  }

  /** Options for a {@link ZkMembership}. Not thread-safe. */
  public static final class Builder {
    private String connectString;
    private CuratorFramework curator;
    private String rootPath = "/quorate/members";
    private Duration sessionTimeout = Duration.ofSeconds(10);
    private Duration connectionTimeout = Duration.ofSeconds(15);
    private ZkSecurity security = ZkSecurity.none();
    private Member localMember;
    private QuorumService quorum;

    private Builder() {}

    /**
     * Connects to these servers with a client the membership owns.
     *
     * @param connectString {@code host:port[,host:port...]}
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder connectString(String connectString) {
      this.connectString = BuilderChecks.connectString(connectString);
      return this;
    }

    /**
     * Uses a client you own (for example the one of your {@link ZkLockManager}, so lock leases and
     * membership share one session). It is started if needed and not closed by the membership.
     *
     * @param curator the client
     * @return this builder
     */
    public Builder curator(CuratorFramework curator) {
      this.curator = Objects.requireNonNull(curator, "curator");
      return this;
    }

    /**
     * Sets the path under which member nodes live (default {@code /quorate/members}).
     *
     * @param rootPath an absolute ZooKeeper path, not ending in {@code /}
     * @return this builder
     * @throws IllegalArgumentException if the path is not absolute or ends in {@code /}
     */
    public Builder rootPath(String rootPath) {
      this.rootPath = BuilderChecks.rootPath(rootPath, "/quorate/members");
      return this;
    }

    /**
     * Sets the session timeout of an owned client (default 10 s).
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
     * Sets how long {@link #build()} waits for a connection and the registration (default 15 s).
     * The client this builder creates gives up one connection attempt after this or the session
     * timeout, whichever is shorter: an attempt outlasting the session could only find it expired.
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
     * ZkLockManagerBuilder#security(ZkSecurity)} does: with an identity, the nodes the membership
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
     * Sets the local member: its id, votes and host, as in the quorum service's topology.
     *
     * @param member the local member
     * @return this builder
     */
    public Builder localMember(Member member) {
      this.localMember = Objects.requireNonNull(member, "member");
      return this;
    }

    /**
     * Sets the quorum service to feed; its local member must be {@link #localMember}.
     *
     * @param quorum the local member's quorum service
     * @return this builder
     */
    public Builder quorumService(QuorumService quorum) {
      this.quorum = Objects.requireNonNull(quorum, "quorum");
      return this;
    }

    /**
     * Connects, registers the local member and feeds the first membership.
     *
     * @return the running membership
     * @throws ConfigurationException if a source (exactly one of connect string or curator), the
     *     local member or the quorum service is missing, or the local member differs from the
     *     topology's entry
     * @throws dev.quorate.lock.QuorateException with {@link
     *     dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if no server answered or the registration did
     *     not finish within the connection timeout
     * @throws InterruptedException if interrupted while connecting
     */
    public ZkMembership build() throws InterruptedException {
      if ((connectString == null) == (curator == null)) {
        throw new ConfigurationException(
            "membership: give exactly one of connectString or curator; got "
                + (connectString == null ? "neither" : "both"));
      }
      if (localMember == null || quorum == null) {
        throw new ConfigurationException(
            "membership: localMember and quorumService are required; got localMember="
                + localMember
                + ", quorumService="
                + (quorum == null ? "none" : "set"));
      }
      Member configured = quorum.policy().topology().member(localMember.id()).orElse(null);
      if (!localMember.equals(configured)) {
        throw new ConfigurationException(
            "membership.local_member: "
                + localMember
                + " differs from the topology's entry "
                + configured);
      }
      CuratorFramework client = curator;
      CuratorFramework owned = null;
      if (client == null) {
        client = ZkClients.create(connectString, sessionTimeout, connectionTimeout, security);
        owned = client;
      }
      MembershipSession session = new MembershipSession(client, rootPath, localMember, quorum);
      try {
        CuratorClients.connect(client, connectionTimeout, rootPath);
        session.start(connectionTimeout);
      } catch (RuntimeException | InterruptedException e) {
        session.close();
        if (owned != null) {
          owned.close();
        }
        throw e;
      }
      return new ZkMembership(session, owned);
    }
  }
}
