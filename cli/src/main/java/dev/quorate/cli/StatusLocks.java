package dev.quorate.cli;

import dev.quorate.lock.LockInspection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the lock section of {@code quorate status}: counts over every resource, the holders of the
 * first {@value #SHOWN}, and every election's leader. A lock root nobody created reads as empty and
 * stays uncreated (no lock manager is opened for nothing).
 */
final class StatusLocks {
  /** How many busy resources the status shows in full; {@code quorate locks} shows them all. */
  static final int SHOWN = 10;

  private StatusLocks() {}

  /**
   * Reads the section.
   *
   * @param ensemble the ensemble
   * @param root the lock root
   * @param timeout the bound of opening the lock manager
   * @return the locks, and the elections
   */
  static Read read(Ensemble ensemble, String root, Duration timeout) {
    try (LockSpace space = new LockSpace(ensemble, root, timeout)) {
      int busy = 0;
      int held = 0;
      int waiting = 0;
      List<LockInspection> shown = new ArrayList<>();
      for (String resource : space.resources()) {
        LockInspection seen = space.inspect(resource);
        if (seen.isFree()) {
          continue;
        }
        busy++;
        held += seen.holders().size();
        waiting += seen.queue().size();
        if (shown.size() < SHOWN) {
          shown.add(seen);
        }
      }
      List<Status.ElectionState> elections = new ArrayList<>();
      for (String name : space.elections()) {
        elections.add(new Status.ElectionState(name, space.leader(name)));
      }
      return new Read(new Status.LockState(root, busy, held, waiting, shown), elections);
    }
  }

  /**
   * The section as read.
   *
   * @param locks the locks
   * @param elections the elections
   */
  record Read(Status.LockState locks, List<Status.ElectionState> elections) {}
}
