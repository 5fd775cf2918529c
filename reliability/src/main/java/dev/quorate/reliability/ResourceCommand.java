package dev.quorate.reliability;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code resource}: the fenced counter's process (started by the harness). */
@Command(name = "resource", hidden = true, description = "The fenced resource process of a run.")
final class ResourceCommand implements Callable<Integer> {
  @Option(names = "--dir", required = true)
  Path dir;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on.")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Port (0: any; a restart reuses one).")
  int port;

  @Option(names = "--unfenced", description = "Accept every write: the control run.")
  boolean unfenced;

  /** The arguments that start this command: the resource of a run in {@code dir}. */
  static List<String> args(Path dir, InetAddress bind, int port, boolean fenced) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "resource",
                "--dir",
                dir.toString(),
                "--bind",
                bind.getHostAddress(),
                "--port",
                Integer.toString(port)));
    if (!fenced) {
      args.add("--unfenced");
    }
    return args;
  }

  @Override
  public Integer call() throws Exception {
    ResourceServer.run(dir, !unfenced, InetAddress.getByName(bind), port);
    return 0;
  }
}
