package dev.quorate.samples;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's main job. Today: a tour of the in-process lock manager guarding a ledger file. Exits
 * 0 when every step behaved as promised, 1 otherwise.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the demo in a fresh temporary directory, or in the directory given as the only argument.
   *
   * @param args optional: a working directory
   * @throws Exception if the demo cannot run
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
      System.err.println("usage: java -jar quorate-samples-all.jar [work-directory]");
      System.exit(2);
    }
    Path work =
        args.length == 1
            ? Files.createDirectories(Path.of(args[0]))
            : Files.createTempDirectory("quorate-demo-");
    boolean ok = new LedgerTour(work, System.out).run();
    System.exit(ok ? 0 : 1);
  }
}
