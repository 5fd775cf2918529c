package dev.quorate.lock.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.TokenGuard;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One persistent {@link TokenGuard} file shared by real OS processes ({@link TokenGuardWriter}),
 * each showing interleaved tokens at the same time: the tokens the guard let through, logged inside
 * the guarded action, never go down, whichever process showed them.
 */
@Timeout(120)
class TokenGuardProcessesIT {
  private static final int WRITERS = 3;
  private static final int TOKENS_EACH = 300;

  @TempDir Path dir;
  private final List<Process> writers = new ArrayList<>();

  @AfterEach
  void stopWriters() {
    writers.forEach(Process::destroyForcibly);
  }

  @Test
  void processesSharingAGuardFileNeverAcceptAnOlderTokenAfterANewerOne() throws Exception {
    Path tokens = dir.resolve("resource.token");
    Path log = dir.resolve("accepted.log");
    List<BufferedReader> outputs = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      Process writer = start(tokens, log, i + 1);
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      outputs.add(out);
    }
    for (Process writer : writers) {
      OutputStream go = writer.getOutputStream();
      go.write("go\n".getBytes(StandardCharsets.US_ASCII));
      go.flush();
    }
    int accepted = 0;
    for (int i = 0; i < WRITERS; i++) {
      String done = outputs.get(i).readLine();
      assertThat(done).as("writer %d: %s", i + 1, stderr(i)).startsWith("done accepted=");
      accepted += Integer.parseInt(done.replaceAll("done accepted=(\\d+) .*", "$1"));
      assertThat(writers.get(i).waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    List<Long> logged = Files.readAllLines(log).stream().map(Long::parseLong).toList();
    assertThat(logged).hasSize(accepted);
    for (int i = 1; i < logged.size(); i++) {
      assertThat(logged.get(i))
          .as("token accepted after %d (entry %d of %d)", logged.get(i - 1), i, logged.size())
          .isGreaterThanOrEqualTo(logged.get(i - 1));
    }
    assertThat(TokenGuard.persistent(tokens).highest())
        .contains(FencingToken.of(logged.get(logged.size() - 1)));
  }

  @Test
  void anActionThatReentersTheGuardKeepsTheFileLockedForOtherProcesses() throws Exception {
    // Regression: a guard read inside the guarded action (highest(), a toString in a log line)
    // took the OS lock a second time, failed, and closing its channel dropped the first lock.
    Path tokens = dir.resolve("reentered.token");
    TokenGuard guard = TokenGuard.persistent(tokens);
    String probed =
        guard.access(
            FencingToken.of(7),
            () -> {
              assertThat(guard.highest()).contains(FencingToken.of(7));
              return probe(dir.resolve("reentered.token.lock"));
            });
    assertThat(probed).as("another process's try of the lock during the action").isEqualTo("held");
    assertThat(probe(dir.resolve("reentered.token.lock"))).as("after the action").isEqualTo("free");
  }

  /** What a {@link LockProbe} process finds on the lock file now. */
  private String probe(Path lockFile) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    try {
      Process process =
          new ProcessBuilder(
                  java.toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  LockProbe.class.getName(),
                  lockFile.toString())
              .redirectErrorStream(true)
              .start();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("the lock probe could not run", e);
    }
  }

  private Process start(Path tokens, Path log, int first) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TokenGuardWriter.class.getName(),
                tokens.toString(),
                log.toString(),
                Integer.toString(first),
                Integer.toString(WRITERS),
                Integer.toString(TOKENS_EACH))
            .redirectError(dir.resolve("writer-" + first + ".err").toFile())
            .start();
    writers.add(process);
    return process;
  }

  private String stderr(int index) throws IOException {
    Path err = dir.resolve("writer-" + (index + 1) + ".err");
    return Files.exists(err) ? Files.readString(err) : "";
  }
}
