package dev.quorate.cli;

import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskSnapshot;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads a quorum disk once, read-only: the master is the node whose slot says MASTER with the
 * highest term (an older master's slot may still say MASTER until it next writes). One read cannot
 * tell whether a heartbeat advances; the disk's own engine times that.
 */
final class QuorumDiskReader {
  private QuorumDiskReader() {}

  static Optional<Status.QuorumDiskState> read(Path disk) {
    if (disk == null) {
      return Optional.empty();
    }
    DiskSnapshot snapshot;
    try (BlockDevice device = BlockDevice.openReadOnly(disk)) {
      snapshot = DiskSnapshot.read(device);
    } catch (IOException e) {
      throw new CommandFailure(
          ExitCode.USAGE, "cannot read the quorum disk " + disk + ": " + e.getMessage(), e);
    }
    int master = 0;
    long term = Long.MIN_VALUE;
    for (HeartbeatSlot s : snapshot.slots().values()) {
      if (s.state() == SlotState.MASTER && s.term() > term) {
        master = s.nodeId();
        term = s.term();
      }
    }
    List<Status.DiskSlot> slots =
        snapshot.slots().values().stream()
            .filter(s -> s.state() != SlotState.EMPTY) // never used: nothing to show
            .map(
                s ->
                    new Status.DiskSlot(
                        s.nodeId(), s.state().name(), s.host(), s.term(), s.sequence()))
            .toList();
    return Optional.of(
        new Status.QuorumDiskState(
            disk.toString(), snapshot.header().clusterName(), master, slots));
  }
}
