package dev.quorate.samples.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Job-control signals for the sample's processes (Linux: the state is read from {@code /proc}). */
final class Signals {
  private Signals() {}

  /** Sends SIGSTOP: the whole JVM freezes, its ZooKeeper heartbeats included. */
  static void stop(long pid) throws IOException, InterruptedException {
    send("-STOP", pid);
  }

  /** Sends SIGCONT: the process goes on from exactly where it stopped. */
  static void resume(long pid) throws IOException, InterruptedException {
    send("-CONT", pid);
  }

  /** Says whether the process is stopped by a signal ({@code T} in {@code /proc/<pid>/stat}). */
  static boolean stopped(long pid) {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      int end = stat.lastIndexOf(')');
      return stat.charAt(end + 2) == 'T';
    } catch (IOException e) {
      return false;
    }
  }

  private static void send(String signal, long pid) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", signal, Long.toString(pid))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    // A process stopping itself may be frozen before kill returns; the bound holds for the rest.
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill " + signal + " " + pid + " failed");
    }
  }
}
