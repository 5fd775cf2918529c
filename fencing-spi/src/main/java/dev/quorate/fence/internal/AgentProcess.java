package dev.quorate.fence.internal;

import dev.quorate.lock.spi.DaemonThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one agent program: the program path alone as its command line (no shell, no arguments, so
 * nothing secret shows in /proc/PID/cmdline), the option lines on stdin, stdout and stderr read on
 * their own threads so a chatty agent never blocks on a full pipe. At the timeout the whole process
 * tree is killed, because agents spawn ssh, ipmitool or curl children that would otherwise keep
 * running, and keep acting on the device, after we gave up.
 */
final class AgentProcess {
  private static final int MAX_STDOUT = 1 << 20;
  private static final int MAX_STDERR = 64 << 10;

  /**
   * How long to wait for a killed process and its pipes; killing is immediate, so this is slack.
   */
  private static final Duration REAP_LIMIT = Duration.ofSeconds(5);

  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(DaemonThreads.named("quorate-fence-agent-io"));

  private AgentProcess() {}

  static ProcessRun run(Path program, List<String> stdinLines, Duration timeout, Redactor redactor)
      throws IOException, InterruptedException {
    return run(List.of(program.toString()), stdinLines, timeout, redactor);
  }

  /** Runs a command line (no shell); only for commands whose arguments hold no secret. */
  static ProcessRun run(
      List<String> command, List<String> stdinLines, Duration timeout, Redactor redactor)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    Future<byte[]> out = READERS.submit(() -> drain(process.getInputStream(), MAX_STDOUT));
    Future<byte[]> err = READERS.submit(() -> drain(process.getErrorStream(), MAX_STDERR));
    boolean finished = false;
    try {
      writeInput(process, stdinLines);
      finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } finally {
      if (!finished) {
        // Timeout, interrupt or failure to write: never leave the agent running unobserved.
        killTree(process);
      }
    }
    String stdout = redactor.redact(text(out));
    String stderr = redactor.redact(text(err));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    return new ProcessRun(finished ? process.exitValue() : -1, !finished, stdout, stderr, elapsed);
  }

  private static void writeInput(Process process, List<String> lines) {
    try (OutputStream stdin = process.getOutputStream()) {
      StringBuilder text = new StringBuilder();
      lines.forEach(line -> text.append(line).append('\n'));
      stdin.write(text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The agent exited or closed stdin before reading all: its exit code tells the rest.
    }
  }

  /**
   * Kills descendants before the process itself: once the parent is gone its children are
   * re-parented and can no longer be found. Repeats while the parent keeps spawning, bounded.
   */
  static void killTree(Process process) throws InterruptedException {
    for (int round = 0; round < 5; round++) {
      List<ProcessHandle> children = process.descendants().toList();
      if (children.isEmpty()) {
        break;
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
    List<ProcessHandle> last = process.descendants().toList();
    process.destroyForcibly();
    last.forEach(ProcessHandle::destroyForcibly);
    process.waitFor(REAP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static byte[] drain(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        // Keep reading past the limit so the agent never blocks on a full pipe.
        int room = limit - kept.size();
        if (room > 0) {
          kept.write(buffer, 0, Math.min(n, room));
        }
      }
    }
    return kept.toByteArray();
  }

  private static String text(Future<byte[]> bytes) throws InterruptedException {
    try {
      return new String(
          bytes.get(REAP_LIMIT.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
    } catch (TimeoutException e) {
      // A grandchild we could not kill still holds the pipe open: stop waiting for it.
      bytes.cancel(true);
      return "(output not closed within " + REAP_LIMIT.toSeconds() + " s of exit)";
    } catch (ExecutionException e) {
      return "(output unreadable: " + e.getCause() + ")";
    }
  }
}
