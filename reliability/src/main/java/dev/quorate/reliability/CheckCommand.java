package dev.quorate.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code check DIR}: checks a run directory that a fenced or control run left behind. */
@Command(name = "check", description = "Checks one run directory (fenced/ or control/) again.")
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "A run directory holding client-*.history files.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(dir.resolve("settings.txt"))) {
      throw new ParameterException(
          spec.commandLine(), "'" + dir + "' is not a run directory (no settings.txt in it)");
    }
    CheckResult r = Checker.check(RunRecord.read(dir));
    System.out.print(Report.render(dir.toString(), r));
    return r.passed() ? 0 : 1;
  }
}
