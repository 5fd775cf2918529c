package dev.quorate.cli;

import dev.quorate.lock.internal.json.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code quorate} command ({@code bin/quorate}). Each subcommand is a class of its own, so new
 * ones join the tree as one more entry of {@code subcommands} and nothing else changes.
 *
 * <pre>
 * quorate status --connect zk1:2181,zk2:2181,zk3:2181 [--json]
 * quorate locks [RESOURCE...] --connect ... [--json]
 * quorate revoke RESOURCE --token T --reason "holder hung" [--by NAME] [--yes] --connect ...
 * quorate leader [NAME...] --connect ... [--watch] [--json]
 * quorate fence history --connect ... [--cluster C] [--json]
 * quorate fence confirm TARGET --cluster C --reason "PDU outlet 4 is off" --connect ...
 * quorate serve --connect ... [--port 8765]
 * </pre>
 */
@Command(
    name = "quorate",
    mixinStandardHelpOptions = true,
    version = "quorate 0.1.0-SNAPSHOT",
    description =
        "Shows what a Quorate cluster publishes in ZooKeeper, and acts on its locks and fences.",
    subcommands = {
      StatusCommand.class,
      LocksCommand.class,
      RevokeCommand.class,
      LeaderCommand.class,
      FenceCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nSecrets:%n",
    footer = {
      "  ZooKeeper credentials are never options: digest user:password comes from $"
          + EnsembleOptions.DIGEST_ENV
          + ", --digest-file FILE or --config FILE; SASL from --jaas FILE.",
      "  docs/cli.md describes every command, the JSON schemas and the exit codes."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:healthy (every cluster quorate, every member up), or done",
      " 1:degraded (quorate, but a member is down or outside the partition)",
      " 2:no quorum (or nothing published)",
      " 3:refused by a safety rule (fence confirm of a live member; revoke of a token nobody"
          + " holds, or not confirmed)",
      "64:usage error (bad option, unknown cluster or target; revoke without --yes and no"
          + " terminal)",
      "65:bad data in a node (the message names it)",
      "69:ensemble unreachable within --timeout",
      "70:internal error",
      "77:permission denied (ZooKeeper ACL or authentication)"
    })
public final class Quorate implements Callable<Integer> {
  @Spec CommandSpec spec;

  Quorate() {}

  /** Without a subcommand: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("quorate: name a command");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command line.
   *
   * @param args the arguments
   * @param out standard output
   * @param err standard error
   * @return the exit status ({@link ExitCode})
   */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine line = new CommandLine(new Quorate());
    line.setOut(out);
    line.setErr(err);
    line.setExitCodeExceptionMapper(
        e -> e instanceof CommandFailure f ? f.exitCode() : ExitCode.INTERNAL);
    line.setParameterExceptionHandler(
        (e, a) -> {
          err.println("quorate: " + e.getMessage());
          e.getCommandLine().usage(err);
          return ExitCode.USAGE;
        });
    line.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          CommandFailure failure =
              e instanceof CommandFailure f ? f : Failures.translate(e, "the ensemble");
          err.println("quorate: " + failure.getMessage());
          if (wantsJson(parsed)) {
            out.println(
                Json.writeForPages(
                    Json.object(
                        "schema", "quorate-error/1",
                        "exitCode", failure.exitCode(),
                        "error", failure.getMessage())));
          }
          return failure.exitCode();
        });
    return line.execute(args);
  }

  private static boolean wantsJson(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--json")) {
        return true;
      }
    }
    return false;
  }
}
