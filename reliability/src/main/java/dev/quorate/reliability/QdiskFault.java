package dev.quorate.reliability;

/**
 * One fault injected into the quorum-disk cluster: {@code qfault TYPE node disk start end outcome},
 * times in host monotonic nanoseconds; {@code disk} is -1 where no disk is involved.
 *
 * @param type PAUSE_MASTER, KILL_MASTER, TORN_WRITE or LOSE_DISK
 * @param node the node struck (for TORN_WRITE, the slot's owner)
 * @param disk the disk struck, or -1
 * @param start when the fault began
 * @param end when it was healed
 * @param outcome what the victim did: {@code exit=70} for a paused master that fenced itself
 */
record QdiskFault(String type, int node, int disk, long start, long end, String outcome) {
  static final String PAUSE_MASTER = "PAUSE_MASTER";
  static final String KILL_MASTER = "KILL_MASTER";
  static final String TORN_WRITE = "TORN_WRITE";
  static final String LOSE_DISK = "LOSE_DISK";
  static final java.util.List<String> ROTATION =
      java.util.List.of(PAUSE_MASTER, TORN_WRITE, KILL_MASTER, LOSE_DISK);

  String line() {
    return String.join(
        " ",
        "qfault",
        type,
        Integer.toString(node),
        Integer.toString(disk),
        Long.toString(start),
        Long.toString(end),
        outcome);
  }

  static QdiskFault parse(String line) {
    String[] f = line.split(" ");
    return new QdiskFault(
        f[1],
        Integer.parseInt(f[2]),
        Integer.parseInt(f[3]),
        Long.parseLong(f[4]),
        Long.parseLong(f[5]),
        f[6]);
  }
}
