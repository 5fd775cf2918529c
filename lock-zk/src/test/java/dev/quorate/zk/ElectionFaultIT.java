package dev.quorate.zk;

import static dev.quorate.zk.FaultFixture.SESSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.Leadership;
import dev.quorate.lock.LeadershipEnd;
import dev.quorate.lock.LeaseState;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import dev.quorate.zk.FaultFixture.Member;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.test.InstanceSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults against an election on three servers. The leaders act on a ledger behind a token guard and
 * every test checks that the guard never turned away a leader that still believed it led (two
 * leaderships overlapping, as judged by their tokens), that the ledger's epochs never go back, and
 * that another candidate was elected after the fault.
 */
@Timeout(180)
class ElectionFaultIT {
  private static final Logger log = LoggerFactory.getLogger(ElectionFaultIT.class);
  static FaultFixture fixture;

  @BeforeAll
  static void startEnsemble() throws Exception {
    fixture = new FaultFixture();
  }

  @AfterAll
  static void stopEnsemble() throws java.io.IOException {
    fixture.close();
  }

  /** The resource the leaders act upon: an in-memory ledger behind a token guard. */
  private static final class Ledger {
    final TokenGuard guard = TokenGuard.inMemory();
    final List<FencingToken> accepted = new CopyOnWriteArrayList<>();
    final List<String> refused = new CopyOnWriteArrayList<>();

    /** Writes as a leader does, about every millisecond, until its leadership ends. */
    CompletableFuture<Void> writeWhileLeading(Leadership leadership) {
      return CompletableFuture.runAsync(
          () -> {
            while (leadership.isLeading()) {
              try {
                guard.access(leadership.token(), () -> accepted.add(leadership.token()));
              } catch (StaleTokenException e) {
                refused.add(leadership + ": " + e.getMessage());
              }
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the leader's pace
            }
          });
    }
  }

  @Test
  void aLeaderCutOffWithItsServerEndsBeforeAnotherIsElected() throws Exception {
    String election = "fault-" + UUID.randomUUID();
    InstanceSpec server = fixture.cluster.getInstances().iterator().next();
    Ledger ledger = new Ledger();
    Member cutOff = fixture.memberOn(server);
    Leadership first = cutOff.manager().election(election).campaign("cut-off");
    AtomicLong firstEnded = new AtomicLong();
    List<LeadershipEnd> ends = new CopyOnWriteArrayList<>();
    first.addListener(
        end -> {
          firstEnded.set(System.nanoTime());
          ends.add(end);
        });
    CompletableFuture<Void> firstWrites = ledger.writeWhileLeading(first);
    AtomicLong secondElected = new AtomicLong();
    CompletableFuture<Leadership> second =
        fixture
            .member()
            .manager()
            .election(election)
            .campaignAsync("survivor")
            .whenComplete((won, failure) -> secondElected.set(System.nanoTime()));
    await().atMost(Duration.ofSeconds(10)).until(() -> ledger.accepted.size() >= 10);

    fixture.cluster.killServer(server);
    try {
      Leadership next = second.get(SESSION.plusSeconds(15).toSeconds(), TimeUnit.SECONDS);
      CompletableFuture<Void> nextWrites = ledger.writeWhileLeading(next);
      await().atMost(Duration.ofSeconds(10)).until(() -> ledger.accepted.contains(next.token()));
      firstWrites.get(10, TimeUnit.SECONDS);
      next.resign();
      nextWrites.get(10, TimeUnit.SECONDS);
    } finally {
      fixture.cluster.restartServer(server);
    }
    assertThat(ledger.refused).as("writes of a leader the guard had superseded").isEmpty();
    assertThat(ledger.accepted).isSorted();
    assertThat(firstEnded.get())
        .as("the old leader ended before the new one was elected")
        .isLessThan(secondElected.get());
    assertThat(second.get().token().isNewerThan(first.token())).isTrue();
    assertThat(ends).hasSize(1);
    assertThat(ends.get(0).state()).isEqualTo(LeaseState.LOST);
    assertThat(ends.get(0).cause()).as("why leadership ended").startsWith("permit SUSPECT");
  }

  @Test
  void aPausedLeaderIsTurnedAwayByTheGuard(@TempDir Path dir) throws Exception {
    // -Dquorate.it.unguarded=true runs the leader without the token check: the ledger check fails.
    boolean guarded = !Boolean.getBoolean("quorate.it.unguarded");
    String election = "fault-" + UUID.randomUUID();
    Path guardFile = dir.resolve("ledger.token");
    Path ledgerFile = dir.resolve("ledger");
    Process paused = startPausedLeader(election, guardFile, ledgerFile, guarded);
    List<String> said = new CopyOnWriteArrayList<>();
    Thread reader = follow(paused, said);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> said.stream().filter("wrote"::equals).count() >= 3);
      signal("STOP", paused);
      Member survivor = fixture.member();
      try (Leadership next = survivor.manager().election(election).campaign("survivor")) {
        TokenGuard guard = TokenGuard.persistent(guardFile);
        for (int i = 0; i < 3; i++) {
          next.checkValid();
          guard.access(
              next.token(), () -> PausedLeader.append(ledgerFile, next.token() + " survivor\n"));
        }
        signal("CONT", paused);
        assertThat(paused.waitFor(SESSION.plusSeconds(20).toSeconds(), TimeUnit.SECONDS)).isTrue();
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
    } finally {
      paused.destroyForcibly();
    }
    log.info("the paused leader said {}", said);
    List<String> entries = Files.readAllLines(ledgerFile, StandardCharsets.UTF_8);
    List<FencingToken> epochs =
        entries.stream()
            .map(line -> FencingToken.parse(line.substring(0, line.indexOf(' '))))
            .toList();
    assertThat(epochs)
        .as("epochs in the ledger, in write order: %s; the paused leader said %s", entries, said)
        .isSorted();
    assertThat(said).anyMatch(line -> line.startsWith("ended LOST"));
  }

  private static Process startPausedLeader(
      String election, Path guard, Path ledger, boolean guarded) throws java.io.IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            PausedLeader.class.getName(),
            fixture.cluster.getConnectString(),
            election,
            guard.toString(),
            ledger.toString(),
            guarded ? "guarded" : "unguarded")
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static Thread follow(Process process, List<String> said) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  said.add(line);
                }
              } catch (java.io.IOException e) {
                said.add("unreadable: " + e);
              }
            },
            "paused-leader-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private static void signal(String signal, Process process) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
  }
}
