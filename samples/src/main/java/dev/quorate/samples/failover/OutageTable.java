package dev.quorate.samples.failover;

import java.util.List;
import java.util.Map;

/** Prints vm-1's outages of the scenarios side by side, with the guest's boot time. */
final class OutageTable {
  private static final List<String> ROWS =
      List.of(
          "host lost / switchover asked",
          "cut-off host fences itself",
          "quorum disk: host DOWN",
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

  /**
   * Prints one column per scenario that ran.
   *
   * @param columns each scenario's name and its milestones, in milliseconds after the trigger
   */
  static void print(Timeline timeline, Map<String, Map<String, Long>> columns) {
    timeline.say("vm-1's outage, milliseconds after the trigger:");
    StringBuilder header = new StringBuilder(String.format("%-38s", ""));
    columns.keySet().forEach(name -> header.append(String.format(" %10s", name)));
    timeline.note(header.toString());
    for (String row : ROWS) {
      StringBuilder line = new StringBuilder(String.format("%-38s", row));
      columns.values().forEach(column -> line.append(String.format(" %10s", cell(column, row))));
      timeline.note(line.toString());
    }
    timeline.note(
        "A failover pays for detection (quorum disk), the lock's session timeout, fencing and a");
    timeline.note(
        "boot; a cold switchover for the VM's stop and a boot; a live migration for its downtime.");
    if (columns.containsKey("cut off")) {
      timeline.note(
          "A host cut off pays what a failover pays; it fenced itself before it was declared DOWN.");
    }
  }

  private static String cell(Map<String, Long> column, String row) {
    Long ms = column.get(row);
    return ms == null ? "-" : ms + " ms";
  }
}
