package dev.quorate.samples.failover;

import dev.quorate.vm.GuestRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What a VM's disk says about who wrote it: the records read back slot by slot, cut into token
 * epochs (runs of one token). The history is sound when tokens never go back (no record of an older
 * token after a newer one) and each epoch has one writer: one boot of one guest, whose uptime rises
 * from record to record. A stale guest whose writes landed after its successor's would break the
 * first rule; two guests writing under one token, the second.
 *
 * @param vm the VM whose disk this is
 * @param records the records, in slot order (each CRC already checked)
 */
record DiskHistory(String vm, List<GuestRecord> records) {
  DiskHistory {
    records = List.copyOf(records);
  }

  /** The violations of the two rules, one sentence each; empty when the history is sound. */
  List<String> violations() {
    List<String> found = new ArrayList<>();
    for (int i = 1; i < records.size(); i++) {
      GuestRecord before = records.get(i - 1);
      GuestRecord now = records.get(i);
      if (now.token() < before.token()) {
        found.add(
            vm
                + ": seq "
                + now.seq()
                + " has token "
                + now.token()
                + ", older than token "
                + before.token()
                + " at seq "
                + before.seq());
      } else if (now.token() == before.token() && now.uptime().compareTo(before.uptime()) <= 0) {
        found.add(
            vm
                + ": token "
                + now.token()
                + " has a second writer: uptime "
                + now.uptime().toMillis()
                + " ms at seq "
                + now.seq()
                + " after "
                + before.uptime().toMillis()
                + " ms at seq "
                + before.seq());
      }
    }
    return found;
  }

  /** The epochs, as {@code token 7: seq 0-41}, oldest first. */
  List<String> epochs() {
    List<String> epochs = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= records.size(); i++) {
      if (i == records.size() || records.get(i).token() != records.get(start).token()) {
        epochs.add(
            "token "
                + records.get(start).token()
                + ": seq "
                + records.get(start).seq()
                + "-"
                + records.get(i - 1).seq());
        start = i;
      }
    }
    return epochs;
  }
}
