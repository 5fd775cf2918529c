package dev.quorate.samples.failover;

import java.io.PrintStream;

/** Prints a cluster manager's {@link AgentEvent} lines for the demo, one whole line at a time. */
final class Emitter {
  private final PrintStream out;

  Emitter(PrintStream out) {
    this.out = out;
  }

  /** Prints {@code @ kind key=value ... | text}. */
  void emit(String kind, String text, String... keyValues) {
    String line = AgentEvent.format(kind, text, keyValues);
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
