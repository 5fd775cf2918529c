package dev.quorate.samples.ledger;

import dev.quorate.samples.failover.LockServer;
import dev.quorate.samples.ledger.WriterEvent.Kind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The ledger sample: several writer JVMs append to one ledger file, each entry under the Quorate
 * lock {@code ledger} (ZooKeeper) and checked by the ledger's persistent {@code TokenGuard}. The
 * first writer freezes itself with SIGSTOP between checking its lease and writing; its ZooKeeper
 * session expires, another writer gets the lock with a newer fencing token and writes, and when the
 * frozen writer resumes, the ledger refuses its write. Exits 0 when the ledger kept every promise
 * (see {@link LedgerCheck}).
 */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description =
        "Several JVMs append to a ledger file under a Quorate lock; a frozen writer's stale write"
            + " is refused by the ledger's TokenGuard.")
public final class LedgerDemo implements Callable<Integer> {
  private static final String PAUSED = "w1";

  @Option(
      names = "--connect",
      paramLabel = "HOST:PORT[,...]",
      converter = ConnectString.class,
      description = "ZooKeeper server or ensemble (default: start an embedded server)")
  String connect;

  @Option(
      names = "--writers",
      defaultValue = "3",
      description = "writer JVMs, 2 to 9 (default: ${DEFAULT-VALUE})")
  int writers;

  @Option(
      names = "--entries",
      defaultValue = "4",
      description = "entries per writer, 2 to 100 (default: ${DEFAULT-VALUE})")
  int entries;

  @Option(
      names = "--session-timeout",
      defaultValue = "4s",
      converter = ShortDuration.class,
      description = "ZooKeeper session timeout, e.g. 4s or 2500ms (default: ${DEFAULT-VALUE})")
  Duration sessionTimeout;

  @Parameters(
      arity = "0..1",
      paramLabel = "DIR",
      description = "work directory (default: a new temporary directory)")
  Path work;

  private final PrintStream out;

  /**
   * Creates the sample, printing its timeline to {@code out}.
   *
   * @param out where the timeline goes
   */
  public LedgerDemo(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    checkRanges();
    Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("quorate-");
    Path logs = Files.createDirectories(dir.resolve("logs"));
    // Before the first logger is created: library logs go to a file, the timeline to stdout.
    System.setProperty("quorate.log.file", logs.resolve("ledger.log").toString());
    LedgerTimeline timeline = new LedgerTimeline(out);
    LedgerFile ledger = new LedgerFile(dir.resolve("ledger"));
    timeline.say("Quorate ledger sample: %d writer JVMs append to %s", writers, ledger.path());
    LockServer server = null;
    String servers = connect;
    if (servers == null) {
      server = LockServer.start(dir.resolve("zookeeper"), Duration.ofMillis(500));
      servers = server.connectString();
      timeline.say("embedded ZooKeeper server at %s (a single lock manager, SLM)", servers);
    } else {
      timeline.say("ZooKeeper at %s", servers);
    }
    List<WriterProcess> started = new ArrayList<>();
    try {
      return run(timeline, ledger, servers, logs, started) ? 0 : 1;
    } finally {
      started.forEach(WriterProcess::kill);
      if (server != null) {
        server.close();
      }
    }
  }

  private boolean run(
      LedgerTimeline timeline,
      LedgerFile ledger,
      String servers,
      Path logs,
      List<WriterProcess> started)
      throws IOException, InterruptedException {
    String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Map<String, Integer> planned = new LinkedHashMap<>();
    for (int i = 1; i <= writers; i++) {
      planned.put("w" + i, entries);
    }
    Duration patience = sessionTimeout.multipliedBy(3).plusSeconds(60);
    // The pausing writer starts alone, so that the others are still queued when it freezes.
    WriterProcess paused = start(PAUSED, servers, ledger, run, logs, timeline);
    started.add(paused);
    WriterEvent pause = timeline.await(LedgerTimeline.of(PAUSED, Kind.PAUSING), patience);
    if (pause == null || !Conditions.await(() -> Signals.stopped(paused.pid()), patience)) {
      timeline.say("UNEXPECTED: %s did not freeze within %s", PAUSED, patience);
      return false;
    }
    for (String name : planned.keySet()) {
      if (!name.equals(PAUSED)) {
        started.add(start(name, servers, ledger, run, logs, timeline));
      }
    }
    timeline.say(
        "%s is frozen; %d more writers queue for the lock, which goes to the next of them when"
            + " %s's ZooKeeper session expires (%d ms)",
        PAUSED, writers - 1, PAUSED, sessionTimeout.toMillis());
    WriterEvent takeover =
        timeline.await(
            e ->
                !e.writer().equals(PAUSED)
                    && e.kind() == Kind.ACCEPTED
                    && e.token().isNewerThan(pause.token()),
            patience);
    if (takeover == null) {
      timeline.say("UNEXPECTED: no other writer wrote within %s", patience);
      return false;
    }
    timeline.say(
        "%s got the lock with token %s > %s and wrote; resuming %s (SIGCONT)",
        takeover.writer(), takeover.token(), pause.token(), PAUSED);
    Signals.resume(paused.pid());
    boolean exited = true;
    for (WriterProcess writer : started) {
      OptionalInt code = writer.awaitExit(patience.toSeconds(), TimeUnit.SECONDS);
      if (code.isEmpty() || code.getAsInt() != 0) {
        timeline.say(
            "UNEXPECTED: %s %s (see %s)",
            writer.name(),
            code.isEmpty() ? "did not finish" : "exited with " + code.getAsInt(),
            logs.resolve(writer.name() + ".log"));
        exited = false;
      }
    }
    List<LedgerEntry> entries = ledger.entries().stream().filter(e -> e.run().equals(run)).toList();
    List<String> problems = LedgerCheck.problems(run, entries, timeline.events(), planned, PAUSED);
    out.println("ledger " + ledger.path() + " (token, writer, entry, run):");
    entries.forEach(e -> out.println("    " + e.toLine()));
    problems.forEach(p -> timeline.say("UNEXPECTED: %s", p));
    boolean ok = exited && problems.isEmpty();
    timeline.say(
        ok
            ? "ledger consistent: %d entries, tokens strictly increasing, the stale write refused,"
                + " nothing lost"
            : "ledger sample FAILED: %d entries, see above",
        entries.size());
    return ok;
  }

  private WriterProcess start(
      String name,
      String servers,
      LedgerFile ledger,
      String run,
      Path logs,
      LedgerTimeline timeline)
      throws IOException {
    List<String> args =
        List.of(
            "--connect",
            servers,
            "--dir",
            ledger.path().getParent().toString(),
            "--name",
            name,
            "--run",
            run,
            "--entries",
            Integer.toString(entries),
            "--pause-at",
            name.equals(PAUSED) ? "2" : "0",
            "--session-timeout",
            sessionTimeout.toString());
    return WriterProcess.start(name, args, logs.resolve(name + ".log"), timeline::record);
  }

  private void checkRanges() {
    if (writers < 2 || writers > 9) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--writers must be 2 to 9 (one writer freezes, another takes over), got " + writers);
    }
    if (entries < 2 || entries > 100) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--entries must be 2 to 100 (the frozen writer pauses before its 2nd), got " + entries);
    }
  }
}
