package dev.quorate.reliability;

/**
 * A heartbeat write seen on a disk by the {@link SlotWatcher}: the first time it read this sequence
 * number of this incarnation in this node's slot.
 */
record SlotWrite(long seenAt, int disk, int node, long incarnation, long sequence) {
  String line() {
    return "write " + seenAt + " " + disk + " " + node + " " + incarnation + " " + sequence;
  }

  static SlotWrite parse(String line) {
    String[] f = line.split(" ");
    return new SlotWrite(
        Long.parseLong(f[1]),
        Integer.parseInt(f[2]),
        Integer.parseInt(f[3]),
        Long.parseLong(f[4]),
        Long.parseLong(f[5]));
  }
}
