package dev.quorate.nbd;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Debian's qemu-utils as NBD clients: one-shot commands and interactive qemu-io sessions. */
final class Qemu {
  static final Path QEMU_IO = Path.of("/usr/bin/qemu-io");
  static final Path QEMU_IMG = Path.of("/usr/bin/qemu-img");
  static final Path QEMU_NBD = Path.of("/usr/bin/qemu-nbd");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String PROMPT = "qemu-io> ";

  private Qemu() {}

  /** Skips the test where qemu-utils is missing, except under CI=true, where that fails. */
  static void require() {
    if (!Files.isExecutable(QEMU_IO)
        || !Files.isExecutable(QEMU_IMG)
        || !Files.isExecutable(QEMU_NBD)) {
      String message = "qemu-io, qemu-img or qemu-nbd missing: install Debian's qemu-utils";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
  }

  static String url(NbdServer server, String exportName) {
    return "nbd://127.0.0.1:" + server.port() + "/" + exportName;
  }

  /** A finished command: exit status and its output (stdout and stderr together). */
  record Result(int exit, String output) {}

  static Result run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not end within " + TIMEOUT);
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * An interactive {@code qemu-io} on one NBD connection that stays open between commands, so a
   * test can act while another client opens the export.
   */
  static final class Session implements AutoCloseable {
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();

    private Session(Process process) {
      this.process = process;
      this.commands = process.getOutputStream();
      Thread reader = new Thread(this::readAnswers, "qemu-io-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** Starts qemu-io on {@code url} and waits until the image is open (its first prompt). */
    static Session open(String url) {
      try {
        Process process =
            new ProcessBuilder(QEMU_IO.toString(), "-f", "raw", url)
                .redirectErrorStream(true)
                .start();
        Session session = new Session(process);
        String banner = session.next();
        if (!banner.isEmpty()) {
          throw new AssertionError("qemu-io on " + url + " said: " + banner);
        }
        return session;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void readAnswers() {
      StringBuilder current = new StringBuilder();
      try (InputStream in = process.getInputStream()) {
        int b;
        while ((b = in.read()) >= 0) {
          current.append((char) b);
          if (current.length() >= PROMPT.length()
              && current.lastIndexOf(PROMPT) == current.length() - PROMPT.length()) {
            answers.add(current.substring(0, current.length() - PROMPT.length()));
            current.setLength(0);
          }
        }
      } catch (IOException e) {
        current.append("[read failed: ").append(e).append(']');
      }
      answers.add("[exited] " + current);
    }

    private String next() {
      try {
        String answer = answers.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (answer == null) {
          throw new AssertionError("qemu-io gave no answer within " + TIMEOUT + ": " + transcript);
        }
        transcript.add(answer);
        return answer;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Runs one qemu-io command and returns what it printed. */
    String run(String command) {
      try {
        commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return next();
    }

    @Override
    public void close() {
      try {
        commands.write("quit\n".getBytes(StandardCharsets.UTF_8));
        commands.close();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
