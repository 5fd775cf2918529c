package dev.quorate.quorum;

/** The lowest/highest tie-breakers: the extreme id of the last membership quorate by votes. */
enum IdOrderTieBreaker implements TieBreaker {
  LOWEST,
  HIGHEST;

  @Override
  public boolean grants(TieContext context) {
    // Chosen from history, never from the partition itself: each half would otherwise pick its
    // own lowest member and both would win. Never quorate before: nobody can be chosen safely.
    if (context.lastQuorateMembers().isEmpty()) {
      return false;
    }
    MemberId chosen =
        this == LOWEST ? context.lastQuorateMembers().first() : context.lastQuorateMembers().last();
    return context.partition().contains(chosen);
  }

  @Override
  public String toString() {
    return this == LOWEST ? "lowest" : "highest";
  }
}
