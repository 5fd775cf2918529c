package dev.quorate.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Starts the JVMs of a run from this process's own classpath and sends them signals. Every child is
 * destroyed when the harness ends, normally or not: a leaked ZooKeeper server would hold its ports
 * and disturb the next run.
 */
final class ChildProcesses implements AutoCloseable {
  private final List<Process> children = new CopyOnWriteArrayList<>();
  private final Thread hook = new Thread(this::destroyAll, "chaos-cleanup");

  ChildProcesses() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts {@code java <jvmOptions> -cp <our classpath> <main> <args>}, output to {@code log}. */
  Process java(List<String> jvmOptions, String main, List<String> args, Path log)
      throws IOException {
    return java(List.of(), jvmOptions, System.getProperty("java.class.path"), main, args, log);
  }

  /**
   * Starts {@code <enter> java <jvmOptions> -cp <classPath> <main> <args>}, output to {@code log}.
   * {@code enter} is a command prefix that execs its arguments in place (as {@code ip netns exec}
   * does), so the returned process is the JVM itself and signals reach it.
   */
  Process java(
      List<String> enter,
      List<String> jvmOptions,
      String classPath,
      String main,
      List<String> args,
      Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>(enter);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(main);
    cmd.addAll(args);
    Process process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    children.add(process);
    return process;
  }

  /** Sends {@code signal} (KILL, STOP, CONT, TERM) to {@code process} with kill(1). */
  static void signal(Process process, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      kill.destroyForcibly();
      throw new IOException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** Kills with SIGKILL and waits until the process is gone. */
  static void killNow(Process process) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("process " + process.pid() + " survived SIGKILL for 30 s");
    }
  }

  private void destroyAll() {
    for (Process p : children) {
      // A stopped process ignores SIGTERM until continued; SIGKILL works on it at once.
      p.destroyForcibly();
    }
    for (Process p : children) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs (or ran) anyway.
    }
  }
}
