package dev.quorate.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class LedgerTourTest {
  @Test
  void tourKeepsItsPromisesAndTheLedgerHoldsOnlyFreshWrites(@TempDir Path work) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok = new LedgerTour(work, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(output).isTrue();
    assertThat(output).contains("REJECTED").contains("blocking callback");
    assertThat(Files.readAllLines(work.resolve("ledger.txt")))
        .hasSize(4)
        .noneMatch(line -> line.contains("stale"));
  }
}
