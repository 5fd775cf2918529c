package dev.quorate.samples.failover;

import java.util.List;
import java.util.Map;

/** Prints the outages of scenarios 1, 3 and 4 side by side, with the guest's boot time. */
final class OutageTable {
  private static final List<String> ROWS =
      List.of(
          "host lost / switchover asked",
          "quorum disk: host-a DOWN",
          "quorum regained (disk master)",
          "old VM stopped, lock released",
          "lock handed over, VM runs on",
          "lock granted, new token",
          "disk claimed (NBD open, new token)",
          "disk opened as standby (new token)",
          "fenced (power off)",
          "VM started on the new host",
          "migration completed",
          "VM writes again: outage ends",
          "guest's boot (cont to first record)",
          "guest-visible gap (records)");

  private OutageTable() {}

  static void print(
      Timeline timeline,
      Map<String, Long> failover,
      Map<String, Long> cold,
      Map<String, Long> live) {
    timeline.say("vm-1's outage, milliseconds after the trigger:");
    timeline.note(String.format("%-38s %10s %10s %10s", "", "failover", "cold", "live"));
    for (String row : ROWS) {
      timeline.note(
          String.format(
              "%-38s %10s %10s %10s", row, cell(failover, row), cell(cold, row), cell(live, row)));
    }
    timeline.note(
        "A failover pays for detection (quorum disk), the lock's session timeout, fencing and a");
    timeline.note(
        "boot; a cold switchover for the VM's stop and a boot; a live migration for its downtime.");
  }

  private static String cell(Map<String, Long> column, String row) {
    Long ms = column.get(row);
    return ms == null ? "-" : ms + " ms";
  }
}
