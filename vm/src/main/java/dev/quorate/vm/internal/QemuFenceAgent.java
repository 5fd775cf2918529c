package dev.quorate.vm.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.vm.VmException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code fence_quorate_qemu}: a VM-level fence agent for guests started by {@code QemuGuest},
 * speaking the fence-agents stdin protocol ({@code key=value} lines; {@code action=}, {@code
 * port=}/{@code plug=} the guest's name, {@code qemu_dir=} the runtime directory of the host that
 * runs it, {@code qmp_timeout=} seconds, default 5).
 *
 * <p>{@code off} sends QMP {@code quit} and waits for the process to go; when QMP does not answer
 * in time (a hung or paused QEMU) it kills the process, whose pid QEMU wrote to {@code
 * <qemu_dir>/<port>.pid}; a pid is trusted only while that process's command line names the guest,
 * so a recycled pid is never killed. {@code status}: exit 0 (on) while that process lives, 2 (off)
 * otherwise. {@code on} is refused: a guest is started by its owner, which knows its disk and
 * token. Exit 1 on every error.
 */
public final class QemuFenceAgent {
  private static final int OK = 0;
  private static final int ERROR = 1;
  private static final int OFF = 2;

  private final Map<String, String> options;
  private final PrintStream out;
  private final PrintStream err;

  QemuFenceAgent(Map<String, String> options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  /**
   * Reads options from stdin and runs the action.
   *
   * @param args command-line arguments; only {@code -o ACTION} is honoured, options come on stdin
   * @throws IOException if stdin cannot be read
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("-o")) {
        options.put("action", args[i + 1]);
      }
    }
    if (!options.containsKey("action") || System.in.available() > 0) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
          System.err.println("WARNING: Parse error: Ignoring malformed line '" + line + "'");
          continue;
        }
        options.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    int code = new QemuFenceAgent(options, System.out, System.err).run();
    System.out.flush();
    System.exit(code);
  }

  int run() throws InterruptedException {
    try {
      return act();
    } catch (VmException e) {
      // Cannot tell whether the guest runs: never report it off (the Fencer would hand its disk
      // on).
      err.println("Failed: " + e.getMessage());
      return ERROR;
    }
  }

  private int act() throws InterruptedException {
    String action = options.getOrDefault("action", "reboot");
    if (options.containsKey("password")) {
      // Never echo a secret: this agent takes none.
      options.put("password", "***");
    }
    for (String key : options.keySet()) {
      if (!Map.of("action", 1, "port", 1, "plug", 1, "qemu_dir", 1, "qmp_timeout", 1, "password", 1)
          .containsKey(key)) {
        err.println("WARNING: Parse error: Ignoring unknown option '" + key + "'");
      }
    }
    if (action.equals("metadata")) {
      out.print(METADATA);
      return OK;
    }
    Optional<Path> dir = Optional.ofNullable(options.get("qemu_dir")).map(Path::of);
    if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
      err.println(
          "Failed: qemu_dir must name the directory of the guests' QMP sockets, not "
              + options.get("qemu_dir"));
      return ERROR;
    }
    String port = options.getOrDefault("port", options.get("plug"));
    switch (action) {
      case "monitor", "validate-all" -> {
        return OK;
      }
      case "list", "list-status" -> {
        return list(dir.get());
      }
      default -> {
        // Every other action needs a guest.
      }
    }
    if (port == null || !port.matches("[A-Za-z0-9._-]{1,64}")) {
      err.println(
          "Failed: port (the guest's name) is required, 1-64 of [A-Za-z0-9._-], not " + port);
      return ERROR;
    }
    Guest guest = new Guest(dir.get(), port);
    return switch (action) {
      case "status" -> status(guest);
      case "off" -> off(guest);
      case "on" -> {
        if (guest.process().isPresent()) {
          out.println("Success: Already ON");
          yield OK;
        }
        err.println(
            "Failed: fence_quorate_qemu cannot start "
                + port
                + ": a QEMU guest is started by its owner, which knows its disk and fencing token");
        yield ERROR;
      }
      case "reboot" -> {
        int off = off(guest);
        if (off != OK) {
          yield off;
        }
        err.println("Failed: " + port + " is off; fence_quorate_qemu cannot power it on");
        yield ERROR;
      }
      default -> {
        err.println("Failed: Unrecognised action '" + action + "'");
        yield ERROR;
      }
    };
  }

  private int list(Path dir) {
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(dir, "*.pid")) {
      for (Path pid : pids) {
        String name = pid.getFileName().toString().replaceFirst("\\.pid$", "");
        Guest guest = new Guest(dir, name);
        if (guest.process().isPresent()) {
          out.println(name + "," + name);
        }
      }
      return OK;
    } catch (IOException e) {
      err.println("Failed: cannot list " + dir + ": " + e.getMessage());
      return ERROR;
    }
  }

  private int status(Guest guest) {
    if (guest.process().isPresent()) {
      out.println("Status: ON");
      return OK;
    }
    out.println("Status: OFF");
    return OFF;
  }

  private int off(Guest guest) throws InterruptedException {
    Optional<ProcessHandle> running = guest.process();
    if (running.isEmpty()) {
      out.println("Success: Already OFF");
      return OK;
    }
    ProcessHandle qemu = running.get();
    String seconds = options.getOrDefault("qmp_timeout", "5");
    if (!seconds.matches("[1-9][0-9]{0,3}")) {
      err.println("Failed: qmp_timeout must be whole seconds (1-9999), not '" + seconds + "'");
      return ERROR;
    }
    Duration bound = Duration.ofSeconds(Long.parseLong(seconds));
    String how;
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(guest.qmpSocket()));
      try (QmpClient qmp = QmpClient.open(guest.name(), channel, bound)) {
        try {
          qmp.execute("quit", Map.of(), bound);
        } catch (VmException e) {
          // The connection may close before the answer arrives; the exit decides.
        }
      }
      how = "QMP quit";
    } catch (IOException | VmException e) {
      how = "QMP failed (" + e.getMessage() + ")";
    }
    if (!exited(qemu, bound)) {
      qemu.destroyForcibly();
      how += "; killed pid " + qemu.pid();
      if (!exited(qemu, bound)) {
        err.println(
            "Failed: QEMU of "
                + guest.name()
                + " (pid "
                + qemu.pid()
                + ") still runs after "
                + how);
        return ERROR;
      }
    }
    out.println("Success: Powered OFF (" + how + ")");
    return OK;
  }

  private static boolean exited(ProcessHandle p, Duration bound) throws InterruptedException {
    try {
      p.onExit().get(bound.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return !p.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !p.isAlive();
    }
  }

  /** A guest's files in a runtime directory. */
  private record Guest(Path dir, String name) {
    Path qmpSocket() {
      return dir.resolve(name + ".qmp");
    }

    /**
     * The live QEMU process of this guest, checked against its command line; empty only when it
     * surely runs no more (no pid file, a dead pid, or a pid now used by another program).
     *
     * @throws VmException if that cannot be told (an unreadable or corrupt pid file, an unreadable
     *     command line): the guest may still run
     */
    Optional<ProcessHandle> process() {
      Path pidFile = dir.resolve(name + ".pid");
      try {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (p.isEmpty()) {
          return p;
        }
        // /proc/PID/cmdline separates arguments with NUL: "-name\0vm-1\0" names exactly this guest.
        String cmdline =
            Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
        return cmdline.contains("\0-name\0" + name + "\0")
                && cmdline.contains("\0-pidfile\0" + pidFile + "\0")
            ? p
            : Optional.empty();
      } catch (NoSuchFileException e) {
        return Optional.empty(); // no pid file, or the process exited between the two reads
      } catch (IOException | NumberFormatException e) {
        throw new VmException(
            ErrorCode.IO_FAILURE,
            "cannot tell whether guest " + name + " runs (" + pidFile + "): " + e);
      }
    }
  }

  private static final String METADATA =
      """
      <?xml version="1.0" ?>
      <resource-agent name="fence_quorate_qemu" shortdesc="Fence agent for Quorate's QEMU guests">
      <longdesc>Powers a QEMU guest off through its QMP socket (quit), or kills its QEMU process \
      when QMP does not answer in time.</longdesc>
      <parameters>
      <parameter name="port" unique="0" required="1"><content type="string"/>\
      <shortdesc lang="en">The guest's name</shortdesc></parameter>
      <parameter name="plug" unique="0" required="0"><content type="string"/>\
      <shortdesc lang="en">Alias of port</shortdesc></parameter>
      <parameter name="qemu_dir" unique="0" required="1"><content type="string"/>\
      <shortdesc lang="en">Runtime directory with NAME.qmp and NAME.pid</shortdesc></parameter>
      <parameter name="qmp_timeout" unique="0" required="0"><content type="second" default="5"/>\
      <shortdesc lang="en">Seconds to wait for QMP and for the process to exit</shortdesc>\
      </parameter>
      </parameters>
      <actions>
      <action name="on"/>
      <action name="off"/>
      <action name="reboot"/>
      <action name="status"/>
      <action name="list"/>
      <action name="monitor"/>
      <action name="metadata"/>
      <action name="validate-all"/>
      </actions>
      </resource-agent>
      """;

  @Override
  public String toString() {
    return "QemuFenceAgent" + options.keySet();
  }
}
