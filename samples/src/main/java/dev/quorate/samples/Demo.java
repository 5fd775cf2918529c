package dev.quorate.samples;

import dev.quorate.samples.failover.FailoverDemo;
import dev.quorate.samples.ledger.LedgerDemo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * The README's main job. By default the VM failover demo ({@link FailoverDemo}): two simulated
 * physical hosts, QEMU guests on a token-fenced NBD server (the guest image's directory in the
 * system property {@value FailoverDemo#GUEST_PROPERTY}), an embedded ZooKeeper lock server, a
 * quorum disk file and a simulated power switch. With {@code ledger}, the embedded-lock sample
 * ({@link LedgerDemo}): writer JVMs share a ledger file under a ZooKeeper lock, and a frozen
 * writer's stale write is refused. With {@code tour}, a one-JVM tour of the in-process lock
 * manager. Exits 0 when every scenario behaved as promised, 1 otherwise, 2 on a usage error.
 */
public final class Demo {
  private static final String USAGE =
      "usage: java -jar quorate-samples-all.jar [failover|tour] [work-dir]\n"
          + "       java -jar quorate-samples-all.jar ledger [--connect HOST:PORT] [--writers N]"
          + " [--entries N] [--session-timeout 4s] [work-dir]";

  private Demo() {}

  /**
   * Runs a demo in a fresh temporary directory, or in the directory given.
   *
   * @param args {@code [failover|tour] [work-directory]} or {@code ledger [options]
   *     [work-directory]}
   * @throws Exception if the demo cannot run
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("ledger")) {
      String[] rest = Arrays.copyOfRange(args, 1, args.length);
      System.exit(new CommandLine(new LedgerDemo(System.out)).execute(rest));
    }
    boolean named = args.length > 0 && !args[0].contains("/");
    String which = named ? args[0] : "failover";
    int rest = named ? 1 : 0;
    if (!which.equals("failover") && !which.equals("tour") || args.length - rest > 1) {
      System.err.println(
          (named && !which.equals("failover") && !which.equals("tour")
                  ? "unknown demo '" + which + "': expected failover, ledger or tour\n"
                  : "too many arguments: " + String.join(" ", args) + "\n")
              + USAGE);
      System.exit(2);
    }
    Path work =
        args.length > rest
            ? Files.createDirectories(Path.of(args[rest]))
            : Files.createTempDirectory("quorate-demo-");
    // Before the first logger is created: library logs go to a file, the timeline to stdout.
    Path logs = Files.createDirectories(work.resolve("logs"));
    System.setProperty("quorate.log.file", logs.resolve("demo.log").toString());
    boolean ok =
        which.equals("tour")
            ? new LedgerTour(work, System.out).run()
            : new FailoverDemo(work, System.getProperty(FailoverDemo.GUEST_PROPERTY), System.out)
                .run();
    System.exit(ok ? 0 : 1);
  }
}
