package dev.quorate.samples.ledger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A {@link LedgerWriter} running in its own JVM; its events go to a listener, in order. */
final class WriterProcess {
  private final String name;
  private final Process process;

  private WriterProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** Starts a writer JVM on this JVM's class path. */
  static WriterProcess start(String name, List<String> args, Path log, Consumer<WriterEvent> events)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small, short-lived JVMs: start fast rather than run fast.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx64m");
    command.add("-Dquorate.log.file=" + log);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LedgerWriter.class.getName());
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    WriterProcess writer = new WriterProcess(name, process);
    Thread reader = new Thread(() -> writer.forward(events), "ledger-" + name);
    reader.setDaemon(true);
    reader.start();
    return writer;
  }

  private void forward(Consumer<WriterEvent> events) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        WriterEvent.parse(name, line).ifPresent(events);
      }
    } catch (IOException e) {
      // The writer is gone; its exit code tells the sample how it ended.
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the writer to exit; returns its exit code, or empty if it is still running. */
  java.util.OptionalInt awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
    return process.waitFor(timeout, unit)
        ? java.util.OptionalInt.of(process.exitValue())
        : java.util.OptionalInt.empty();
  }

  /** Kills the writer (clean-up after a failed run); a stopped JVM is resumed to die. */
  void kill() {
    process.destroyForcibly();
    try {
      Signals.resume(process.pid());
    } catch (IOException | InterruptedException e) {
      // Already gone: SIGKILL works on a stopped process anyway.
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
