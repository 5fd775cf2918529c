package dev.quorate.fence.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceRecord;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One history file shared by real OS processes: two writer JVMs ({@link HistoryWriter}) and this
 * one append at the same moment; every record of every writer is there afterwards, whole and in
 * each writer's order, and each process sees the others' records.
 */
@Timeout(120)
class FenceHistoryFileIT {
  private static final int PER_WRITER = 300;

  @TempDir Path dir;
  private final List<Process> writers = new ArrayList<>();

  @AfterEach
  void stopWriters() {
    writers.forEach(Process::destroyForcibly);
  }

  private Process writer(Path file, String name) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                HistoryWriter.class.getName(),
                file.toString(),
                name,
                Integer.toString(PER_WRITER))
            .redirectError(dir.resolve(name + ".err").toFile())
            .start();
    writers.add(process);
    return process;
  }

  /** The lines the writer printed on stdout; the first must be "ready" before we say go. */
  private static BufferedReader stdout(Process process) {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  private static String lineStartingWith(BufferedReader out, String prefix) throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IOException("the writer ended without printing '" + prefix + "'");
  }

  @Test
  void appendsOfThreeProcessesAreAllSeenNoneLostOrTorn() throws Exception {
    Path file = dir.resolve("fence-history.jsonl");
    Process one = writer(file, "writer-1");
    Process two = writer(file, "writer-2");
    BufferedReader oneOut = stdout(one);
    BufferedReader twoOut = stdout(two);
    lineStartingWith(oneOut, "ready");
    lineStartingWith(twoOut, "ready");
    FenceHistory mine = FenceHistory.open(file);

    for (Process p : List.of(one, two)) {
      OutputStream in = p.getOutputStream();
      in.write("go\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
    }
    for (int i = 0; i < PER_WRITER; i++) {
      mine.append(HistoryWriter.record("writer-0", i));
    }
    String oneSaw = lineStartingWith(oneOut, "seen ");
    String twoSaw = lineStartingWith(twoOut, "seen ");
    assertThat(one.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(two.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(one.exitValue()).as(Files.readString(dir.resolve("writer-1.err"))).isZero();
    assertThat(two.exitValue()).as(Files.readString(dir.resolve("writer-2.err"))).isZero();

    // This process's history caught up with both others' appends.
    List<FenceRecord> seenHere = mine.records();
    assertThat(seenHere).hasSize(3 * PER_WRITER);
    assertThat(mine.problems()).isEmpty();
    // Each writer saw at least its own records and whatever was appended before its last read.
    assertThat(Integer.parseInt(oneSaw.substring(5))).isBetween(PER_WRITER, 3 * PER_WRITER);
    assertThat(Integer.parseInt(twoSaw.substring(5))).isBetween(PER_WRITER, 3 * PER_WRITER);

    FenceHistory reopened = FenceHistory.open(file);
    assertThat(reopened.problems()).as("no torn or corrupt line").isEmpty();
    assertThat(Files.readAllLines(file)).hasSize(3 * PER_WRITER);
    for (String writer : List.of("writer-0", "writer-1", "writer-2")) {
      List<String> sequence =
          reopened.records().stream()
              .filter(r -> r.requester().equals(writer))
              .map(
                  r ->
                      r.explanation()
                          .substring(0, r.explanation().indexOf(' ', writer.length() + 1)))
              .collect(Collectors.toList());
      assertThat(sequence)
          .as("every record of %s, once, in its order", writer)
          .containsExactlyElementsOf(
              IntStream.range(0, PER_WRITER).mapToObj(i -> writer + " #" + i).toList());
    }
    // The writers ran at the same time: their records interleave in the file.
    List<String> order = reopened.records().stream().map(FenceRecord::requester).toList();
    long switches =
        IntStream.range(1, order.size())
            .filter(i -> !order.get(i).equals(order.get(i - 1)))
            .count();
    assertThat(switches)
        .as("appends of different processes interleaved (%d switches of writer)", switches)
        .isGreaterThan(2);
  }
}
