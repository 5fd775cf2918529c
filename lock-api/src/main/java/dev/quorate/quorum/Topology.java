package dev.quorate.quorum;

import dev.quorate.lock.ConfigurationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configured cluster: every member with its votes and the physical host it runs on. Immutable.
 *
 * <p>The topology is the corosync {@code nodelist}: the sum of its votes is the configured expected
 * votes of a {@link QuorumPolicy}. Several members may share one host; {@link #votesOn(String)}
 * tells what losing that host costs. Not to be confused with fencing-spi's {@code FenceTopology},
 * Pacemaker's "fencing topology": which devices fence which target, level by level.
 *
 * <pre>{@code
 * Topology topology = Topology.builder()
 *     .member(1, 1, "hv-1")
 *     .member(2, 1, "hv-1")
 *     .member(3, 1, "hv-2")
 *     .build();
 * int expected = topology.totalVotes(); // 3
 * }</pre>
 */
public final class Topology {
  private final NavigableMap<MemberId, Member> members;
  private final int totalVotes;

  private Topology(NavigableMap<MemberId, Member> members) {
    this.members = Collections.unmodifiableNavigableMap(members);
    this.totalVotes = members.values().stream().mapToInt(Member::votes).sum();
  }

  /**
   * Starts a topology.
   *
   * @return a new, empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns every member, in ascending id order.
   *
   * @return the members, unmodifiable
   */
  public Collection<Member> members() {
    return members.values();
  }

  /**
   * Returns every member id, in ascending order.
   *
   * @return the ids, unmodifiable
   */
  public SortedSet<MemberId> ids() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(members.keySet()));
  }

  /**
   * Returns how many members are configured.
   *
   * @return the member count, at least 1
   */
  public int size() {
    return members.size();
  }

  /**
   * Looks up a member.
   *
   * @param id the member's id
   * @return the member, or empty if {@code id} is not configured
   */
  public Optional<Member> member(MemberId id) {
    return Optional.ofNullable(members.get(Objects.requireNonNull(id, "id")));
  }

  /**
   * Tells whether a member is configured.
   *
   * @param id the member's id
   * @return true if {@code id} is configured
   */
  public boolean contains(MemberId id) {
    return members.containsKey(id);
  }

  /**
   * Returns the sum of every member's votes: the configured expected votes.
   *
   * @return the total votes, at least 1
   */
  public int totalVotes() {
    return totalVotes;
  }

  /**
   * Returns the votes of the given members.
   *
   * @param ids member ids, each configured here
   * @return the sum of their votes
   * @throws IllegalArgumentException if an id is not configured
   */
  public int votesOf(Collection<MemberId> ids) {
    int sum = 0;
    for (MemberId id : ids) {
      Member member = members.get(id);
      if (member == null) {
        throw new IllegalArgumentException(
            "member " + id + " is not in the topology; configured: " + members.keySet());
      }
      sum += member.votes();
    }
    return sum;
  }

  /**
   * Returns the names of all physical hosts, sorted.
   *
   * @return the host names, unmodifiable
   */
  public SortedSet<String> hosts() {
    SortedSet<String> hosts = new TreeSet<>();
    members.values().forEach(m -> hosts.add(m.host()));
    return Collections.unmodifiableSortedSet(hosts);
  }

  /**
   * Returns the members running on a host: everything one power cycle of it removes.
   *
   * @param host a host name
   * @return the ids of its members, ascending; empty for an unknown host
   */
  public SortedSet<MemberId> membersOn(String host) {
    SortedSet<MemberId> ids = new TreeSet<>();
    members.values().stream().filter(m -> m.host().equals(host)).forEach(m -> ids.add(m.id()));
    return Collections.unmodifiableSortedSet(ids);
  }

  /**
   * Returns the votes of the members running on a host.
   *
   * @param host a host name
   * @return the votes lost if that host goes down; 0 for an unknown host
   */
  public int votesOn(String host) {
    return votesOf(membersOn(host));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Topology other && members.equals(other.members);
  }

  @Override
  public int hashCode() {
    return members.hashCode();
  }

  @Override
  public String toString() {
    return "Topology" + members.values();
  }

  /**
   * Collects members and validates them all at {@link #build()}, so every problem is reported as a
   * {@link ConfigurationException} naming the key, the bad value and what is accepted.
   */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    /** Raw values as given; validated together in {@link #build()}. */
    private record Entry(int id, int votes, String host) {}

    /**
     * Adds a member.
     *
     * @param id the member id, at least 1 and unique in the topology
     * @param votes its votes, 1 to {@link Member#MAX_VOTES}
     * @param host the physical host it runs on, not blank
     * @return this builder
     */
    public Builder member(int id, int votes, String host) {
      entries.add(new Entry(id, votes, host));
      return this;
    }

    /**
     * Adds a member.
     *
     * @param member the member; its id must be unique in the topology
     * @return this builder
     * @throws NullPointerException if {@code member} is null
     */
    public Builder member(Member member) {
      Objects.requireNonNull(member, "member");
      return member(member.id().value(), member.votes(), member.host());
    }

    /**
     * Validates the members and builds the topology.
     *
     * @return the immutable topology
     * @throws ConfigurationException if there is no member, an id is below 1 or repeated, votes are
     *     out of range, or a host is missing or blank
     */
    public Topology build() {
      if (entries.isEmpty()) {
        throw new ConfigurationException(
            "topology.members: no member configured; at least one member is required");
      }
      TreeMap<MemberId, Member> members = new TreeMap<>();
      for (Entry entry : entries) {
        int id = entry.id();
        int votes = entry.votes();
        String host = entry.host();
        if (id < 1) {
          throw new ConfigurationException(
              "topology.member.id: " + id + " is invalid; ids are integers from 1");
        }
        String key = "topology.member[" + id + "]";
        if (votes < 1 || votes > Member.MAX_VOTES) {
          throw new ConfigurationException(
              key + ".votes: " + votes + " is invalid; accepted: 1.." + Member.MAX_VOTES);
        }
        if (host == null || host.isBlank()) {
          throw new ConfigurationException(
              key + ".host: '" + host + "' is invalid; a non-blank host name is required");
        }
        MemberId memberId = MemberId.of(id);
        if (members.putIfAbsent(memberId, new Member(memberId, votes, host)) != null) {
          throw new ConfigurationException(
              "topology.member.id: " + id + " is configured twice; ids must be unique");
        }
      }
      return new Topology(members);
    }
  }

  /** Sorted, unmodifiable copy; used by values that hold member sets. */
  static SortedSet<MemberId> sortedCopy(Collection<MemberId> ids) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(ids));
  }

  /** Validates that every id is configured; used for memberships and tie-breaker lists. */
  void requireKnown(Set<MemberId> ids, String key) {
    for (MemberId id : ids) {
      if (!members.containsKey(id)) {
        throw new IllegalArgumentException(
            key + ": member " + id + " is not in the topology; configured: " + members.keySet());
      }
    }
  }
}
