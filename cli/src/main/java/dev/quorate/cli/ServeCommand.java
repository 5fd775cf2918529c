package dev.quorate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quorate serve}: the status as a live page on 127.0.0.1, until stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the status as a web page on 127.0.0.1 only: hosts as boxes holding their members,"
          + " each cluster's quorum, a fence timeline; it refreshes itself. JSON at /api/status."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin EnsembleOptions ensembleOptions;

  @Mixin ReadOptions readOptions;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "the port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port = 8765;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "how often to read the ensemble (default: 1s)")
  Duration interval = Duration.ofSeconds(1);

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new CommandFailure(ExitCode.USAGE, "--port " + port + " is not a port (0 to 65535)");
    }
    EnsembleSettings settings = ensembleOptions.resolve(System.getenv());
    CountDownLatch stopped = new CountDownLatch(1);
    try (Connections connections = Connections.open(settings, readOptions.witness);
        StatusServer server =
            StatusServer.start(
                port,
                interval,
                new StatusReader(
                    connections.ensemble(),
                    connections.witness(),
                    readOptions,
                    settings.timeout()))) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "quorate-serve-stop"));
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "quorate serve: http://127.0.0.1:%d/ shows %s, read every %s (Ctrl-C stops)%n",
          server.port(), settings.connect(), Durations.describe(interval));
      out.flush();
      stopped.await();
    }
    return ExitCode.HEALTHY;
  }
}
