package dev.quorate.samples;

import dev.quorate.samples.failover.FailoverDemo;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's main job. By default the VM failover demo ({@link FailoverDemo}): two simulated
 * physical hosts, VMs as processes, an embedded ZooKeeper lock server, a quorum disk file and a
 * simulated power switch. With {@code ledger}, the older tour of the in-process lock manager
 * guarding a ledger file. Exits 0 when every scenario behaved as promised, 1 otherwise, 2 on a
 * usage error.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs a demo in a fresh temporary directory, or in the directory given.
   *
   * @param args {@code [failover|ledger] [work-directory]}
   * @throws Exception if the demo cannot run
   */
  public static void main(String[] args) throws Exception {
    String which = args.length > 0 && !args[0].contains("/") ? args[0] : "failover";
    int rest = args.length > 0 && !args[0].contains("/") ? 1 : 0;
    if (!which.equals("failover") && !which.equals("ledger") || args.length - rest > 1) {
      System.err.println("usage: java -jar quorate-samples-all.jar [failover|ledger] [work-dir]");
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
        which.equals("ledger")
            ? new LedgerTour(work, System.out).run()
            : new FailoverDemo(work, System.out).run();
    System.exit(ok ? 0 : 1);
  }
}
