package dev.quorate.qdisk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts qdisk daemons as separate JVMs on this module's classpath and reads their event logs. */
final class Daemons implements AutoCloseable {
  static final String MAIN = "dev.quorate.qdisk.internal.daemon.QdiskCommand";
  private static final Pattern LINE =
      Pattern.compile("(\\w+) node=(\\d+) term=(\\d+) at=(-?\\d+) until=(-?\\d+) ?(.*)");

  /** One line of a daemon's event log. */
  record Event(String kind, int node, long term, long at, long until, String detail) {}

  /** A tenure: the master role of one node in one term, on the host's monotonic clock. */
  record Tenure(int node, long term, long from, long until) {}

  private final Path dir;
  private final Map<String, Process> processes = new HashMap<>();

  Daemons(Path dir) {
    this.dir = dir;
  }

  static List<String> java(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xmx64m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            MAIN));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Formats {@code count} disk files in {@code dir} with the ITs' timing: interval 300 ms, tko 10,
   * I/O timeout 250 ms, renewal deadline 2400 ms, msgwait 3000 ms, 4 slots.
   */
  static List<Path> format(Path dir, int count) throws IOException, InterruptedException {
    List<Path> files = new ArrayList<>();
    List<String> args = formatArgs();
    for (int i = 0; i < count; i++) {
      Path f = dir.resolve("disk" + i + ".img");
      Files.write(f, new byte[9 * 4096]);
      files.add(f);
      args.add("-d");
      args.add(f.toString());
    }
    assertThat(tool(dir, args.toArray(String[]::new))).isZero();
    return files;
  }

  /** The ITs' {@code format} command line without its disks. */
  static List<String> formatArgs() {
    return new ArrayList<>(
        List.of(
            "format",
            "--cluster",
            "it",
            "--slots",
            "4",
            "--interval",
            "300ms",
            "--tko",
            "10",
            "--io-timeout",
            "250ms",
            "--renewal-deadline",
            "2400ms",
            "--msgwait",
            "3000ms"));
  }

  /** Runs a qdisk command to completion; returns its exit code. */
  static int tool(Path dir, String... args) throws IOException, InterruptedException {
    return toolResult(dir, args).exit();
  }

  /** What a finished qdisk command printed (stdout and stderr) and its exit code. */
  record Result(int exit, String output) {}

  /** Runs a qdisk command to completion; returns its exit code and output. */
  static Result toolResult(Path dir, String... args) throws IOException, InterruptedException {
    Path out = dir.resolve("tool-" + System.nanoTime() + ".out");
    Process p =
        new ProcessBuilder(java(args))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = Files.readString(out);
    System.out.println("----- qdisk " + String.join(" ", args) + " (exit " + p.exitValue() + ")");
    System.out.print(text);
    return new Result(p.exitValue(), text);
  }

  Path config(int node, List<Path> disks, int statusPort) throws IOException {
    return config(node, disks, statusPort, List.of("self-fence=exit"));
  }

  /** A config whose self-fence lines are {@code selfFence}. */
  Path config(int node, List<Path> disks, int statusPort, List<String> selfFence)
      throws IOException {
    return config("node" + node, node, disks, statusPort, selfFence);
  }

  /** A config file {@code name}.properties whose event log is {@code name}.events. */
  Path config(String name, int node, List<Path> disks, int statusPort, List<String> selfFence)
      throws IOException {
    Path cfg = dir.resolve(name + ".properties");
    List<String> lines =
        new ArrayList<>(
            List.of(
                "cluster.name=it",
                "node.id=" + node,
                "disks=" + String.join(",", disks.stream().map(Path::toString).toList()),
                "status.port=" + statusPort,
                "tenure.log=" + eventLog(name)));
    lines.addAll(selfFence);
    Files.write(cfg, lines);
    return cfg;
  }

  Path eventLog(int node) {
    return eventLog("node" + node);
  }

  Path eventLog(String name) {
    return dir.resolve(name + ".events");
  }

  Process start(int node, List<Path> disks, int statusPort) throws IOException {
    return start(node, disks, statusPort, List.of("self-fence=exit"));
  }

  /** Starts a daemon whose self-fence lines are {@code selfFence}. */
  Process start(int node, List<Path> disks, int statusPort, List<String> selfFence)
      throws IOException {
    return start("node" + node, node, disks, statusPort, selfFence);
  }

  /**
   * Starts a daemon named {@code name} (its config, output and event log files): a second process
   * with a node id already running gets a name of its own.
   */
  Process start(String name, int node, List<Path> disks, int statusPort, List<String> selfFence)
      throws IOException {
    Path cfg = config(name, node, disks, statusPort, selfFence);
    Process p =
        new ProcessBuilder(java("run", "-c", cfg.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output(name).toFile()))
            .start();
    processes.put(name, p);
    return p;
  }

  Path output(String name) {
    return dir.resolve(name + ".out");
  }

  Process process(int node) {
    return processes.get("node" + node);
  }

  void signal(int node, String signal) throws IOException, InterruptedException {
    Process k =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process(node).pid())).start();
    assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).isZero();
  }

  List<Event> events(int node) {
    return events("node" + node);
  }

  List<Event> events(String name) {
    List<Event> out = new ArrayList<>();
    try {
      if (!Files.exists(eventLog(name))) {
        return out;
      }
      for (String line : Files.readAllLines(eventLog(name))) {
        Matcher m = LINE.matcher(line);
        if (m.matches()) {
          out.add(
              new Event(
                  m.group(1),
                  Integer.parseInt(m.group(2)),
                  Long.parseLong(m.group(3)),
                  Long.parseLong(m.group(4)),
                  Long.parseLong(m.group(5)),
                  m.group(6)));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  boolean logged(int node, String kind, int about) {
    return events(node).stream().anyMatch(e -> e.kind().equals(kind) && e.node() == about);
  }

  /** Every tenure in every log, merged per node and term. */
  List<Tenure> tenures(int... nodes) {
    Map<String, Tenure> merged = new HashMap<>();
    for (int n : nodes) {
      for (Event e : events(n)) {
        if (e.kind().equals("TENURE")) {
          merged.merge(
              e.node() + "/" + e.term(),
              new Tenure(e.node(), e.term(), e.at(), e.until()),
              (a, b) ->
                  new Tenure(
                      a.node(),
                      a.term(),
                      Math.min(a.from(), b.from()),
                      Math.max(a.until(), b.until())));
        }
      }
    }
    return new ArrayList<>(merged.values());
  }

  /** Asserts that no two tenures of different nodes overlap in time. */
  static void assertNoOverlap(List<Tenure> tenures) {
    for (Tenure a : tenures) {
      for (Tenure b : tenures) {
        if (a.node() != b.node()) {
          assertThat(a.until() <= b.from() || b.until() <= a.from())
              .as("tenures overlap: %s and %s", a, b)
              .isTrue();
        }
      }
    }
  }

  /**
   * Stops every daemon, then copies each one's output and event log into the test's output (the
   * failsafe report), so that a failed run can be explained after its temporary files are gone.
   */
  @Override
  public void close() {
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
    for (Process p : processes.values()) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (String name : processes.keySet()) {
      echo(output(name));
      echo(eventLog(name));
    }
  }

  private static void echo(Path file) {
    try {
      if (Files.exists(file)) {
        System.out.println("----- " + file.getFileName());
        Files.readAllLines(file).forEach(System.out::println);
      }
    } catch (IOException e) {
      System.out.println("----- " + file.getFileName() + " unreadable: " + e);
    }
  }
}
