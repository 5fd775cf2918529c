package dev.quorate.quorum;

import java.util.Optional;
import java.util.SortedSet;
import java.util.function.Supplier;

/**
 * Something besides the members that adds votes to a partition, like corosync's quorum device: the
 * quorum disk gives its votes to the partition that holds its master.
 *
 * <p>{@link #name()} and {@link #votes()} are configuration: they must not change, and the votes
 * count towards the expected votes of the {@link QuorumPolicy} the source is declared with. {@link
 * #castsVote} is asked on every evaluation by {@link QuorumService}; when its answer may have
 * changed (a new disk master), the source's owner calls {@link QuorumService#refresh()}.
 *
 * <pre>{@code
 * VoteSource disk = VoteSource.toPartitionOf("qdisk", 2, qdisk::currentMaster);
 * QuorumPolicy policy = QuorumPolicy.builder(topology).voteSource(disk).build();
 * }</pre>
 */
public interface VoteSource {
  /**
   * Returns the source's name, unique within one policy.
   *
   * @return the name, not blank
   */
  String name();

  /**
   * Returns the votes this source gives to the partition it favours.
   *
   * @return the votes, at least 1
   */
  int votes();

  /**
   * Tells whether this source currently gives its votes to the given partition. It must never give
   * them to two partitions of one split. An exception counts as not giving them (and is logged).
   *
   * @param partition the members present in the partition being evaluated
   * @return true if the partition gets {@link #votes()} more votes
   */
  boolean castsVote(SortedSet<MemberId> partition);

  /**
   * Returns a source that gives its votes to the partition containing the member its supplier names
   * (the quorum disk's master), and to none while the supplier names nobody.
   *
   * @param name the source's name, not blank
   * @param votes the votes it gives, at least 1
   * @param holder supplies the member whose partition gets the votes; must not block
   * @return the vote source
   * @throws dev.quorate.lock.ConfigurationException if {@code name} is blank or {@code votes} is
   *     below 1
   */
  static VoteSource toPartitionOf(String name, int votes, Supplier<Optional<MemberId>> holder) {
    return new HolderVoteSource(name, votes, holder);
  }
}
