package dev.quorate.cli;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Revocation;
import dev.quorate.lock.internal.json.Json;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quorate revoke}: ends a lease by hand. The holder's lease turns LOST at once, its token is
 * superseded (the next grant's is greater), and the revocation is recorded with who asked and why.
 * A holder that is in fact alive loses its lock mid-work, so the command asks first unless {@code
 * --yes}, and refuses without a terminal to ask on.
 */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = {
      "Revoke the lease holding RESOURCE with --token: the holder's lease turns LOST, the next"
          + " waiter is granted. Asks for confirmation unless --yes. Exits 3 if no lease holds"
          + " that token."
    })
final class RevokeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin EnsembleOptions ensembleOptions;

  @Mixin LockPath lockPath;

  @Parameters(index = "0", paramLabel = "RESOURCE", description = "the locked resource")
  String resource;

  @Option(
      names = "--token",
      required = true,
      paramLabel = "TOKEN",
      description = "the holder's token, as `quorate locks` shows it")
  String token;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "why, for the record")
  String reason;

  @Option(
      names = "--by",
      paramLabel = "NAME",
      description = "who asks, recorded with the revocation (default: login name@host)")
  String by;

  @Option(names = "--yes", description = "do not ask for confirmation")
  boolean yes;

  @Option(names = "--json", description = "print the revocation as JSON")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    FencingToken parsed;
    try {
      parsed = FencingToken.parse(token);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(
          ExitCode.USAGE, "--token '" + token + "' is not a fencing token: " + e.getMessage(), e);
    }
    String requester = by != null ? by.strip() : defaultRequester();
    if (reason.isBlank() || requester.isEmpty()) {
      throw new CommandFailure(
          ExitCode.USAGE, "--reason and --by must not be blank: the record keeps them");
    }
    if (!yes) {
      confirm(parsed);
    }
    EnsembleSettings settings = ensembleOptions.resolve(System.getenv());
    Revocation done;
    try (Ensemble ensemble = Ensemble.open(settings);
        LockSpace space = new LockSpace(ensemble, lockPath.value, settings.timeout())) {
      done = revoke(space, parsed, requester);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? Json.writeForPages(LockViews.json(done)) : LockViews.revocation(done));
    out.flush();
    return ExitCode.HEALTHY;
  }

  /** Revokes; a token nobody holds is the library's REFUSED, a refusal here (exit 3). */
  private Revocation revoke(LockSpace space, FencingToken parsed, String requester) {
    try {
      return space.revoke(resource, parsed, requester, reason.strip());
    } catch (CommandFailure f) {
      if (f.getCause() instanceof QuorateException q
          && q.code() == ErrorCode.REFUSED
          && q.getMessage().startsWith("nothing to revoke")) {
        throw new CommandFailure(ExitCode.REFUSED, "refused: " + q.getMessage(), q);
      }
      throw f;
    }
  }

  private void confirm(FencingToken parsed) {
    if (!interactive()) {
      throw new CommandFailure(
          ExitCode.USAGE,
          "refusing to revoke token "
              + parsed
              + " on '"
              + resource
              + "' without confirmation: standard input is not a terminal; add --yes");
    }
    PrintWriter err = spec.commandLine().getErr();
    err.print(
        "Revoke token "
            + parsed
            + " on '"
            + resource
            + "'? Its holder loses the lock at once. Type 'yes': ");
    err.flush();
    String answer;
    try {
      answer =
          new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())).readLine();
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).equals("yes")) {
      throw new CommandFailure(ExitCode.REFUSED, "not revoked: not confirmed");
    }
  }

  /** A terminal to ask on: Java 22+ has a console even when redirected, and says so. */
  private static boolean interactive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException olderThan22) {
      return true; // before Java 22 a console exists only on a terminal
    }
  }

  private static String defaultRequester() {
    String user = System.getProperty("user.name", "unknown");
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return user + "@" + host;
  }
}
