package dev.quorate.cli;

import dev.quorate.lock.LockInspection;
import dev.quorate.lock.internal.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quorate locks}: holders with their tokens, the queue and recent revocations. */
@Command(
    name = "locks",
    mixinStandardHelpOptions = true,
    description = {
      "Each resource's holders (member, mode, token, since), its queue and its recent"
          + " revocations; without RESOURCE, every resource held, waited for or revoked."
    })
final class LocksCommand implements Callable<Integer> {
  static final String SCHEMA = "quorate-locks/1";

  @Spec CommandSpec spec;

  @Mixin EnsembleOptions ensembleOptions;

  @Mixin LockPath lockPath;

  @Parameters(paramLabel = "RESOURCE", arity = "0..*", description = "the resources to inspect")
  List<String> resources = new ArrayList<>();

  @Option(names = "--json", description = "print JSON (schema " + SCHEMA + " in docs/cli.md)")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    EnsembleSettings settings = ensembleOptions.resolve(System.getenv());
    List<LockInspection> seen = new ArrayList<>();
    try (Ensemble ensemble = Ensemble.open(settings);
        LockSpace space = new LockSpace(ensemble, lockPath.value, settings.timeout())) {
      if (resources.isEmpty()) {
        for (String resource : space.resources()) {
          LockInspection one = space.inspect(resource);
          if (!one.isFree() || !one.revocations().isEmpty()) {
            seen.add(one);
          }
        }
      } else {
        resources.forEach(r -> seen.add(space.inspect(r)));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          Json.writeForPages(
              Json.object(
                  "schema",
                  SCHEMA,
                  "lockPath",
                  lockPath.value,
                  "resources",
                  seen.stream().map(LockViews::json).toList())));
    } else if (seen.isEmpty()) {
      out.println("no lock held or waited for under " + lockPath.value);
    } else {
      seen.forEach(s -> LockViews.print(s, out));
    }
    out.flush();
    return ExitCode.HEALTHY;
  }
}
