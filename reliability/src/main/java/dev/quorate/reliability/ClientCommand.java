package dev.quorate.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code client}: one lock client process of a run (started by the harness). */
@Command(name = "client", hidden = true, description = "A lock client process of a run.")
final class ClientCommand implements Callable<Integer> {
  @Option(names = "--id", required = true)
  String id;

  @Option(names = "--dir", required = true)
  Path dir;

  @Option(names = "--connect", required = true)
  String connect;

  @Option(names = "--session", required = true, converter = DurationConverter.class)
  Duration session;

  @Option(names = "--resource", required = true, description = "host:port of the resource")
  String resource;

  @Option(names = "--writes", defaultValue = "3")
  int writes;

  @Override
  public Integer call() throws Exception {
    new LockClient(id, dir, writes).run(connect, session, ResourceAddress.parse(resource));
    return 0;
  }
}
