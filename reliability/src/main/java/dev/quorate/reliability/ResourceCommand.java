package dev.quorate.reliability;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code resource}: the fenced counter's process (started by the harness). */
@Command(name = "resource", hidden = true, description = "The fenced resource process of a run.")
final class ResourceCommand implements Callable<Integer> {
  @Option(names = "--dir", required = true)
  Path dir;

  @Option(names = "--unfenced", description = "Accept every write: the control run.")
  boolean unfenced;

  @Override
  public Integer call() throws Exception {
    ResourceServer.run(dir, !unfenced);
    return 0;
  }
}
