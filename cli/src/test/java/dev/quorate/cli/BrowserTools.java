package dev.quorate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds what the browser test needs: Debian's Chromium, Node.js, and playwright-core installed from
 * the pinned package-lock.json. Under {@code CI=true} a missing tool fails the test with the
 * command that installs it (CI runs bin/lib/install-prerequisites.sh first); elsewhere the test is
 * skipped with the same message, never passed.
 */
final class BrowserTools {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path E2E = Path.of(System.getProperty("quorate.cli.e2e", "src/test/e2e"));

  private BrowserTools() {}

  /** Checks the tools and installs playwright-core from the lock file if it is not yet. */
  static void require() throws IOException, InterruptedException {
    if (!Files.isExecutable(CHROMIUM)) {
      missing(
          CHROMIUM + " is missing: apt-get install -y chromium (bin/lib/install-prerequisites.sh)");
    }
    String version = nodeVersion();
    if (version == null) {
      missing("node is missing: apt-get install -y nodejs npm (bin/lib/install-prerequisites.sh)");
    } else if (!version.matches("v(2\\d|[3-9]\\d|\\d{3,})\\..*")) {
      missing("node " + version + " is too old: playwright-core 1.64 needs Node.js 20 or later");
    }
    if (!Files.isDirectory(E2E.resolve("node_modules/playwright-core"))) {
      int npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), E2E, 300);
      if (npm != 0) {
        missing(
            "npm ci in " + E2E + " failed (exit " + npm + "): playwright-core is not installed");
      }
    }
  }

  /** The output of {@code node --version}, or null if node does not run. */
  private static String nodeVersion() throws InterruptedException {
    try {
      Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String out =
          new String(
                  process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .strip();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        return null;
      }
      return out;
    } catch (IOException e) {
      return null; // not installed
    }
  }

  private static void missing(String message) {
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail("the status page's browser test cannot run under CI: " + message);
    }
    Assumptions.abort("skipped, not passed: " + message);
  }

  private static int run(List<String> command, Path dir, int seconds)
      throws IOException, InterruptedException {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      return 127; // not installed
    }
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return 124;
    }
    return process.exitValue();
  }
}
