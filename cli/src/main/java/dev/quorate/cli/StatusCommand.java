package dev.quorate.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quorate status}: one screen of every cluster, and its health as the exit status. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Members with their hosts and votes, each cluster's quorum and why, the arbiter, the"
          + " quorum-disk master, recent fences, lock holders, election leaders. Exits 0 healthy, 1 degraded, 2 no quorum."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin EnsembleOptions ensembleOptions;

  @Mixin ReadOptions readOptions;

  @Option(names = "--json", description = "print the status as JSON (schema quorate-status/1)")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    EnsembleSettings settings = ensembleOptions.resolve(System.getenv());
    Status status;
    try (Connections connections = Connections.open(settings, readOptions.witness)) {
      status =
          new StatusReader(
                  connections.ensemble(), connections.witness(), readOptions, settings.timeout())
              .read();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(StatusJson.write(status));
      out.flush();
    } else {
      StatusText.print(status, out);
    }
    return status.health().exitCode();
  }
}
