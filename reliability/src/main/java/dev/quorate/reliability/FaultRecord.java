package dev.quorate.reliability;

/**
 * One injected fault as the nemesis logged it: {@code fault TYPE target start end fired}, times in
 * host monotonic nanoseconds. {@code fired} is false when the fault could not take effect (no
 * create passed while a lost reply was armed, the holder had no published session).
 */
record FaultRecord(Fault type, String target, long start, long end, boolean fired) {
  String line() {
    return "fault " + type + " " + target + " " + start + " " + end + " " + fired;
  }

  static FaultRecord parse(String line) {
    String[] f = line.split(" ");
    if (f.length != 6 || !f[0].equals("fault")) {
      throw new IllegalArgumentException("not a fault line: '" + line + "'");
    }
    return new FaultRecord(
        Fault.valueOf(f[1]),
        f[2],
        Long.parseLong(f[3]),
        Long.parseLong(f[4]),
        Boolean.parseBoolean(f[5]));
  }
}
