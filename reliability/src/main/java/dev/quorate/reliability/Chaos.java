package dev.quorate.reliability;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The reliability suite's command line: {@code run} drives a fault-injection run and checks it,
 * {@code check} checks a run directory again; {@code client} and {@code resource} are the processes
 * a run starts.
 *
 * <pre>
 * java -jar quorate-reliability-all.jar run --minutes 30 --dir /tmp/chaos
 * </pre>
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = "Fault injection against Quorate's ZooKeeper locks, with history checking.",
    subcommands = {
      RunCommand.class,
      CheckCommand.class,
      ClientCommand.class,
      ResourceCommand.class,
      QdiskCommand.class,
      DiskLeaseCommand.class,
      DiskLeaseClientCommand.class
    })
public final class Chaos implements Runnable {
  static final String MAIN = Chaos.class.getName();

  private Chaos() {}

  /**
   * Runs a subcommand and exits with its code: 0 when every check passed, 1 on violations, 2 on bad
   * arguments.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Chaos());
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "a subcommand is required: run, check, qdisk, disk-lease");
  }
}
