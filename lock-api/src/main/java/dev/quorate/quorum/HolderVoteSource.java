package dev.quorate.quorum;

import dev.quorate.lock.ConfigurationException;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.function.Supplier;

/** A vote source whose votes follow one member (for example the quorum-disk master). */
record HolderVoteSource(String name, int votes, Supplier<Optional<MemberId>> holder)
    implements VoteSource {
  HolderVoteSource {
    Objects.requireNonNull(holder, "holder");
    if (name == null || name.isBlank()) {
      throw new ConfigurationException(
          "quorum.vote_source.name: '" + name + "' is invalid; a non-blank name is required");
    }
    if (votes < 1 || votes > Member.MAX_VOTES) {
      throw new ConfigurationException(
          "quorum.vote_source["
              + name
              + "].votes: "
              + votes
              + " is invalid; accepted: 1.."
              + Member.MAX_VOTES);
    }
  }

  @Override
  public boolean castsVote(SortedSet<MemberId> partition) {
    Optional<MemberId> current = holder.get();
    return current != null && current.isPresent() && partition.contains(current.get());
  }
}
