package dev.quorate.samples.failover;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the demo's child processes: this JVM, this class path, another main class. */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * Returns a command that runs {@code mainClass} in a small, quickly starting JVM.
   *
   * @param mainClass a main class of this jar
   * @param heap the maximum heap, such as {@code 64m}
   * @param logFile where the child's logback log goes
   * @param args the program's arguments
   */
  static List<String> command(Class<?> mainClass, String heap, Path logFile, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The children are small and short-lived: start fast rather than run fast.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xss512k");
    command.add("-Xmx" + heap);
    command.add("-Dquorate.log.file=" + logFile);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    return command;
  }
}
