package dev.quorate.samples.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.FencingToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/demo ledger} as users do (the shaded jar, real writer JVMs, a real SIGSTOP) and
 * reads the ledger file it leaves behind.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LedgerDemoIT {
  private static final Pattern REFUSED =
      Pattern.compile(
          "w1 +entry 2 with token (\\S+) REFUSED by the ledger \\(it has accepted (\\S+)\\)");

  @Test
  void aFrozenWritersStaleWriteIsRefusedAndNothingIsLost(@TempDir Path work) throws Exception {
    Run run = demo(work, "ledger", "--writers", "3", "--entries", "4", work.toString());

    assertThat(run.code).as(run.output).isZero();
    List<LedgerEntry> ledger = ledger(work);
    assertThat(ledger).as(run.output).hasSize(12);
    for (int i = 1; i < ledger.size(); i++) {
      assertThat(ledger.get(i).token().isNewerThan(ledger.get(i - 1).token()))
          .as("token of entry %d after %s", i + 1, ledger.get(i - 1))
          .isTrue();
    }
    for (String writer : List.of("w1", "w2", "w3")) {
      assertThat(ledger.stream().filter(e -> e.writer().equals(writer)).map(LedgerEntry::number))
          .as("entries of %s", writer)
          .containsExactlyInAnyOrder(1, 2, 3, 4);
    }
    Matcher refused = REFUSED.matcher(run.output);
    assertThat(refused.find()).as(run.output).isTrue();
    FencingToken stale = FencingToken.parse(refused.group(1));
    FencingToken newer = FencingToken.parse(refused.group(2));
    assertThat(newer.isNewerThan(stale)).isTrue();
    assertThat(ledger).noneMatch(e -> e.token().equals(stale));
    assertThat(ledger).anyMatch(e -> !e.writer().equals("w1") && e.token().isNewerThan(stale));
  }

  @Test
  void runsAgainstAGivenZooKeeper(@TempDir Path work) throws Exception {
    try (TestingServer server = new TestingServer(true)) {
      Run run =
          demo(
              work,
              "ledger",
              "--connect",
              server.getConnectString(),
              "--writers",
              "2",
              "--entries",
              "2",
              work.toString());

      assertThat(run.code).as(run.output).isZero();
      assertThat(run.output).contains("ZooKeeper at " + server.getConnectString());
      assertThat(ledger(work)).hasSize(4);
    }
  }

  @Test
  void badInputIsRefusedNamingTheValue(@TempDir Path work) throws Exception {
    Run writers = demo(work, "ledger", "--writers", "1", work.toString());
    Run connect = demo(work, "ledger", "--connect", "zk1:notaport", work.toString());
    Run timeout = demo(work, "ledger", "--session-timeout", "4 hours", work.toString());

    assertThat(writers.code).isEqualTo(2);
    assertThat(writers.output).contains("--writers must be 2 to 9", "got 1");
    assertThat(connect.code).isEqualTo(2);
    assertThat(connect.output).contains("'zk1:notaport' is not a ZooKeeper connect string");
    assertThat(timeout.code).isEqualTo(2);
    assertThat(timeout.output).contains("'4 hours' is not a duration");
  }

  private static List<LedgerEntry> ledger(Path work) throws IOException {
    List<LedgerEntry> entries = new ArrayList<>();
    for (String line : Files.readAllLines(work.resolve("ledger/ledger.txt"))) {
      entries.add(LedgerEntry.parse(line));
    }
    return entries;
  }

  private record Run(int code, String output) {}

  private static Run demo(Path work, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(System.getProperty("quorate.demo.jar"));
    command.addAll(List.of(args));
    Path output = Files.createTempFile(work, "demo-", ".out");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the ledger demo did not finish in 3 minutes:\n" + read(output));
    }
    return new Run(process.exitValue(), read(output));
  }

  private static String read(Path output) throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }
}
