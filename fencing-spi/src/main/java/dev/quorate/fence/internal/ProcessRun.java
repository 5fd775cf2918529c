package dev.quorate.fence.internal;

import java.time.Duration;

/** What one agent process did; output already redacted and bounded. */
record ProcessRun(int exitCode, boolean timedOut, String stdout, String stderr, Duration elapsed) {

  /** The last few lines of stderr, then stdout, on one line: the detail of an outcome. */
  String tail() {
    String text = (stderr.strip() + "\n" + stdout.strip()).strip();
    String[] lines = text.split("\\R");
    StringBuilder out = new StringBuilder();
    for (int i = Math.max(0, lines.length - 6); i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.isEmpty()) {
        out.append(out.length() == 0 ? "" : " | ").append(line);
      }
    }
    String joined = out.toString();
    return joined.length() > 600 ? "..." + joined.substring(joined.length() - 600) : joined;
  }
}
