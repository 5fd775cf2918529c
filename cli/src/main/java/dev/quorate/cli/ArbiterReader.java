package dev.quorate.cli;

import dev.quorate.quorum.MemberId;
import dev.quorate.zk.ArbiterReport;
import dev.quorate.zk.ZkArbiter;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;

/** The arbiter's witness as {@link Status.ArbiterState}. */
final class ArbiterReader {
  private ArbiterReader() {}

  static Optional<Status.ArbiterState> read(CuratorFramework witness, String path) {
    ZkArbiter.Observation seen = ZkArbiter.observe(witness, path);
    if (seen.reports().isEmpty() && seen.votedPartition().isEmpty()) {
      return Optional.empty();
    }
    List<Status.ArbiterEntry> reports =
        seen.reports().stream()
            .map(
                (ArbiterReport r) ->
                    new Status.ArbiterEntry(
                        r.member().value(),
                        ids(r.partition()),
                        r.score(),
                        seen.casting().contains(r.member())))
            .toList();
    return Optional.of(
        new Status.ArbiterState(
            path,
            reports,
            seen.votedPartition().map(ArbiterReader::ids).orElse(List.of()),
            seen.tokenOwner().map(MemberId::value).orElse(0)));
  }

  private static List<Integer> ids(java.util.Collection<MemberId> ids) {
    return ids.stream().map(MemberId::value).sorted().toList();
  }
}
