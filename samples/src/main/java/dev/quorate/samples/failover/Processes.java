package dev.quorate.samples.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Process helpers for the demo (Linux: they read {@code /proc}). */
final class Processes {
  /** Every process of the demo runs a main class of this package. */
  private static final String MARK = Processes.class.getPackageName() + ".";

  private Processes() {}

  /**
   * Says whether the process runs. A zombie has exited: it holds no resource, even if no parent has
   * reaped it yet (the VM of a killed host is nobody's child).
   */
  static boolean running(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String text = Files.readString(stat, StandardCharsets.US_ASCII);
      String state = text.substring(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
      return !state.equals("Z") && !state.equals("X");
    } catch (IOException e) {
      return false;
    }
  }

  /** Freezes a process with SIGSTOP, as a hung VM. */
  static void freeze(long pid) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("sh", "-c", "kill -STOP \"$0\"", Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("could not SIGSTOP process " + pid);
    }
  }

  /**
   * Kills every demo process (cluster managers, members, QEMU guests) still connected to a plug of
   * the power switch (clean-up).
   */
  static void killAll(Path powerDir) {
    if (!Files.isDirectory(powerDir)) {
      return;
    }
    String runDir = powerDir.resolveSibling("run") + "/";
    try (DirectoryStream<Path> plugs = Files.newDirectoryStream(powerDir)) {
      for (Path plug : plugs) {
        Path pids = plug.resolve("pids");
        if (!Files.isDirectory(pids)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pids)) {
          for (Path file : files) {
            long pid = Long.parseLong(file.getFileName().toString());
            ProcessHandle.of(pid)
                .filter(p -> ours(p, runDir))
                .ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      System.err.println("clean-up of the demo's processes in " + powerDir + " failed: " + e);
    }
  }

  /** A Java process of the demo's package, or a QEMU with its sockets in the demo's run/. */
  private static boolean ours(ProcessHandle process, String runDir) {
    return process.info().arguments().stream()
        .flatMap(java.util.Arrays::stream)
        .anyMatch(arg -> arg.startsWith(MARK) || arg.contains(runDir));
  }
}
