package dev.quorate.cli;

import dev.quorate.lock.Election;
import dev.quorate.lock.Leader;
import dev.quorate.lock.LeaderObserver;
import dev.quorate.lock.internal.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quorate leader}: who leads each election, and with {@code --watch} every change. */
@Command(
    name = "leader",
    mixinStandardHelpOptions = true,
    description = {
      "The current leader of each election (candidate, epoch, since) or 'no leader'; without NAME,"
          + " every election. --watch prints each change until interrupted."
    })
final class LeaderCommand implements Callable<Integer> {
  static final String SCHEMA = "quorate-leaders/1";

  @Spec CommandSpec spec;

  @Mixin EnsembleOptions ensembleOptions;

  @Mixin LockPath lockPath;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "the elections")
  List<String> names = new ArrayList<>();

  @Option(
      names = "--watch",
      description = "keep running, printing one line (or JSON object) per change")
  boolean watch;

  @Option(names = "--json", description = "print JSON (schema " + SCHEMA + " in docs/cli.md)")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    EnsembleSettings settings = ensembleOptions.resolve(System.getenv());
    PrintWriter out = spec.commandLine().getOut();
    try (Ensemble ensemble = Ensemble.open(settings);
        LockSpace space = new LockSpace(ensemble, lockPath.value, settings.timeout())) {
      List<String> elections = names.isEmpty() ? space.elections() : names;
      if (watch) {
        if (elections.isEmpty()) {
          throw new CommandFailure(
              ExitCode.USAGE,
              "nothing to watch: no election under " + lockPath.value + ".elections; name one");
        }
        watch(space, elections, out);
      }
      List<Object> shown = new ArrayList<>();
      for (String name : elections) {
        Optional<Leader> leader = space.leader(name);
        if (json) {
          shown.add(LockViews.json(name, leader));
        } else {
          out.println(LockViews.leader(name, leader));
        }
      }
      if (json) {
        out.println(
            Json.writeForPages(
                Json.object("schema", SCHEMA, "lockPath", lockPath.value, "elections", shown)));
      } else if (elections.isEmpty()) {
        out.println("no election under " + lockPath.value + ".elections");
      }
    }
    out.flush();
    return ExitCode.HEALTHY;
  }

  /** Prints every change the observers hear, until interrupted (Ctrl-C ends the process). */
  private void watch(LockSpace space, List<String> elections, PrintWriter out)
      throws InterruptedException {
    for (String name : elections) {
      Election election = space.election(name);
      LeaderObserver observer =
          leader -> {
            synchronized (out) {
              out.println(
                  json
                      ? Json.writeForPages(LockViews.json(name, leader))
                      : LockViews.leader(name, leader));
              out.flush();
            }
          };
      election.addObserver(observer);
    }
    new CountDownLatch(1).await();
  }
}
