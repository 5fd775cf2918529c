package dev.quorate.qdisk.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Brings a new (or wiped, or corrupt) disk into a running disk set: formats it with a new disk UUID
 * and the set's UUID, cluster, slot count and timing, read from the set's other disks. Running
 * nodes read a header of their set on it at their next heartbeat and use it again (see {@link
 * DiskChannel}). Allowed only while a strict majority of the set is healthy without the new disk,
 * so the set never depends on a disk that is being written.
 */
public final class DiskReplacement {
  private DiskReplacement() {}

  /**
   * Replaces {@code set.get(target)}, a disk of the set {@code set} of cluster {@code cluster}.
   *
   * @param force also overwrite a target that holds another cluster's disk, foreign data or live
   *     heartbeats
   * @return the new disk's header
   * @throws ConfigurationException if the set is not 1, 3 or 5 disks or the target not in it
   * @throws QuorateException REFUSED or CORRUPT_DATA naming the disk and the reason
   * @throws IOException if a disk cannot be read or written
   */
  public static DiskHeader replace(
      List<BlockDevice> set, int target, String cluster, boolean force, MonotonicClock clock)
      throws IOException {
    if (set.size() != 3 && set.size() != 5) {
      throw new ConfigurationException(
          set.size()
              + " disks configured: a disk can be replaced in a set of 3 or 5 only, whose"
              + " majority stays healthy without it; format a single disk with `format`");
    }
    BlockDevice replaced = set.get(target);
    int majority = set.size() / 2 + 1;
    DiskHeader reference = null;
    List<String> healthy = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < set.size(); i++) {
      if (i == target) {
        continue;
      }
      BlockDevice d = set.get(i);
      try {
        DiskHeader h = DiskReader.readHeader(d, cluster);
        if (reference == null) {
          reference = h;
        } else if (!reference.sameSet(h)) {
          throw new QuorateException(
              ErrorCode.REFUSED,
              d.name()
                  + " belongs to disk set "
                  + h.setId()
                  + " but "
                  + healthy.get(0)
                  + " to disk set "
                  + reference.setId()
                  + ": the configured disks are not one set");
        }
        healthy.add(d.name());
      } catch (QuorateException e) {
        if (e.code() == ErrorCode.REFUSED) {
          throw e;
        }
        problems.add(e.getMessage());
      }
    }
    if (healthy.size() < majority) {
      throw new QuorateException(
          ErrorCode.REFUSED,
          "only "
              + healthy.size()
              + " of the other disks are healthy ("
              + String.join(", ", healthy)
              + "), fewer than a majority of "
              + majority
              + " of "
              + set.size()
              + ": replacing "
              + replaced.name()
              + " now would leave the running nodes without a majority while it is written ("
              + String.join("; ", problems)
              + ")");
    }
    DiskHeader fresh =
        new DiskHeader(
            DiskHeader.CURRENT_VERSION,
            UUID.randomUUID(),
            reference.setId(),
            reference.clusterName(),
            reference.slotCount(),
            reference.timing());
    if (!force) {
      refuseForeign(replaced, cluster);
      DiskFormatter.refuseLive(List.of(replaced), clock);
    }
    DiskFormatter.overwrite(replaced, fresh);
    return fresh;
  }

  /**
   * A target that holds a quorum disk record of this cluster, valid or not (corrupt, old version),
   * was the set's disk; another cluster's disk or other data (a file system) needs --force.
   */
  private static void refuseForeign(BlockDevice d, String cluster) throws IOException {
    if (d.size() < DiskHeader.BLOCK_SIZE) {
      return;
    }
    Decoded<DiskHeader> h = DiskFormatter.readBlock0(d);
    if (h.kind() == Decoded.Kind.BAD_MAGIC) {
      throw new QuorateException(
          ErrorCode.REFUSED,
          d.name() + " holds data that is not a quorum disk (" + h.detail() + "); use --force");
    }
    if (h.isValid() && !h.value().get().clusterName().equals(cluster)) {
      throw new QuorateException(
          ErrorCode.REFUSED,
          d.name()
              + " is the quorum disk of cluster '"
              + h.value().get().clusterName()
              + "', not '"
              + cluster
              + "'; use --force to overwrite it");
    }
  }
}
