package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code qdisk} command line: the daemon and its operator tools. */
@Command(
    name = "qdisk",
    mixinStandardHelpOptions = true,
    version = "qdisk 0.1.0",
    description = "Quorate quorum disk: format, run, inspect and message shared quorum disks.",
    subcommands = {
      FormatCommand.class,
      RunCommand.class,
      StatusCommand.class,
      DumpCommand.class,
      MessageCommand.class,
      ValidateCommand.class,
      ReplaceDiskCommand.class,
      MeasureCommand.class,
      TestWatchdogCommand.class
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:success",
      "1:unexpected failure",
      "2:bad command line",
      "3:invalid or unsafe configuration",
      "4:disk refused (unformatted, foreign, corrupt, too short)",
      "5:I/O failure",
      "6:test-watchdog: the machine was not reset (the watchdog does not work)",
      "70:this node fenced itself (every self-fence: exit or watchdog); never restart on it"
    })
public final class QdiskCommand implements Runnable {
  static final int CONFIG = 3;
  static final int DISK = 4;
  static final int IO = 5;

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    // The library jar must not configure its users' logging; the daemon names its own file.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "qdisk-logback.xml");
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = execute(out, err, args);
    // A command that prints with print() rather than println() leaves its text in the writer's
    // buffer; System.exit would drop it (dump printed nothing without --json).
    out.flush();
    err.flush();
    if (code != Integer.MIN_VALUE) {
      System.exit(code);
    }
  }

  /** Runs without exiting; for tests. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new QdiskCommand());
    // Every subcommand answers --help (before its required options are checked) and shows the
    // default of each option, so no @Command can forget either.
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.getCommandSpec().mixinStandardHelpOptions(true);
      sub.getCommandSpec().usageMessage().showDefaultValues(true);
    }
    cl.getCommandSpec().usageMessage().showDefaultValues(true);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println("qdisk: error: " + e.getMessage());
          line.getErr().flush();
          return exitCode(e);
        });
    return cl.execute(args);
  }

  static int exitCode(Throwable e) {
    if (e instanceof ConfigurationException) {
      return CONFIG;
    }
    if (e instanceof QuorateException q) {
      return switch (q.code()) {
        case CORRUPT_DATA, REFUSED -> DISK;
        case IO_FAILURE -> IO;
        case INVALID_CONFIGURATION -> CONFIG;
        default -> 1;
      };
    }
    if (e instanceof IOException) {
      return IO;
    }
    return 1;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this),
        "a command is required: format, run, status, dump, message, validate, replace-disk,"
            + " measure or test-watchdog");
  }
}
