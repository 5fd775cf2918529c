package dev.quorate.disklease.internal;

import dev.quorate.disklease.DiskLockManager;
import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeasedCommand;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.WatchdogDevice;
import dev.quorate.quorum.SelfFence;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The operator command of a lease area, a plain {@code main} so the library needs no command-line
 * dependency: {@code format}, {@code status} and {@code run} (a {@link LeasedCommand}).
 *
 * <pre>{@code
 * java -cp ... dev.quorate.disklease.internal.LeaseTool format --disks /dev/sdb,/dev/sdc,/dev/sdd
 * java -cp ... dev.quorate.disklease.internal.LeaseTool status --disks ... --resource vm/web-1
 * java -cp ... dev.quorate.disklease.internal.LeaseTool run --disks ... --host-id 2 \
 *     --resource vm/web-1 -- qemu-system-x86_64 ...
 * }</pre>
 *
 * <p>Exit status: {@link #OK}, {@link #FAILED}, {@link #REFUSED}, {@link #USAGE}; {@code run}
 * returns the command's own status, or {@link SelfFence#EXIT_STATUS} when the lease was lost and
 * the command ended.
 */
public final class LeaseTool {
  /** Done. */
  public static final int OK = 0;

  /** An I/O error, or the disks hold no lease area. */
  public static final int FAILED = 1;

  /** Refused for safety: live hosts on the area to format, or data that is no lease area. */
  public static final int REFUSED = 2;

  /** The command line is wrong (sysexits' EX_USAGE). */
  public static final int USAGE = 64;

  static final String HELP =
      String.join(
          "\n",
          "usage: LeaseTool <command> [options]",
          "  format --disks D[,D,D] [--hosts 16] [--slots 1024] [--io-timeout 1s] [--force]",
          "  status --disks D[,D,D] [--resource NAME[,NAME]] [--window DURATION]",
          "  run    --disks D[,D,D] --host-id N [--host-name NAME] --resource NAME",
          "         [--kill-grace DURATION] [--self-fence exit|watchdog:/dev/watchdogN] -- COMMAND...");

  private final PrintStream out;
  private final PrintStream err;

  LeaseTool(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs one command and exits with its status.
   *
   * @param args the command and its options
   */
  public static void main(String[] args) {
    int status = new LeaseTool(System.out, System.err).execute(Arrays.asList(args));
    System.out.flush();
    System.exit(status);
  }

  int execute(List<String> args) {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
      (args.isEmpty() ? err : out).println(HELP);
      return args.isEmpty() ? USAGE : OK;
    }
    String command = args.get(0);
    List<String> options = args.subList(1, args.size());
    try {
      switch (command) {
        case "format":
          return new AreaFormat(out, err).run(formatArgs(options));
        case "status":
          return new AreaStatus(out).run(statusArgs(options));
        case "run":
          return run(runArgs(options));
        default:
          throw ToolArgs.usage("unknown command '" + command + "'; use format, status or run");
      }
    } catch (ToolArgs.UsageException e) {
      err.println("LeaseTool " + command + ": " + e.getMessage());
      err.println(HELP);
      return USAGE;
    } catch (QuorateException | IOException e) {
      err.println("LeaseTool " + command + ": " + e.getMessage());
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("LeaseTool " + command + ": interrupted");
      return FAILED;
    }
  }

  static ToolArgs formatArgs(List<String> options) {
    return new ToolArgs(
        "format",
        options,
        Set.of("--disks", "--hosts", "--slots", "--io-timeout"),
        Set.of("--force"));
  }

  static ToolArgs statusArgs(List<String> options) {
    return new ToolArgs("status", options, Set.of("--disks", "--resource", "--window"), Set.of());
  }

  static ToolArgs runArgs(List<String> options) {
    return new ToolArgs(
        "run",
        options,
        Set.of("--disks", "--host-id", "--host-name", "--resource", "--kill-grace", "--self-fence"),
        Set.of());
  }

  private int run(ToolArgs a) throws IOException, InterruptedException {
    List<Path> disks = a.disks();
    int hostId = a.integer("--host-id", null);
    String resource = a.required("--resource");
    if (a.rest().isEmpty()) {
      throw ToolArgs.usage("run needs the command after --");
    }
    LeaseArea area;
    try (BlockDevice first = BlockDevice.openReadOnly(disks.get(0))) {
      area = LeaseArea.read(first);
    }
    LeasedCommand.Builder builder =
        LeasedCommand.builder().resource(resource).command(a.rest()).timing(area.timing());
    if (a.has("--kill-grace")) {
      builder.killGrace(a.duration("--kill-grace", null));
    }
    LeasedCommand command = builder.build();
    SelfFence then = selfFence(a.optional("--self-fence", "exit"));
    try (LockManager locks =
        DiskLockManager.builder()
            .disks(disks)
            .hostId(hostId)
            .hostName(a.optional("--host-name", "host-" + hostId))
            .selfFence(command.selfFence(then))
            .build()) {
      err.println("LeaseTool run: host " + hostId + " waiting for the lease of " + resource);
      LeasedCommand.Result result = command.run(locks);
      if (result.lostBecause().isPresent()) {
        err.println(
            "LeaseTool run: "
                + resource
                + " token "
                + result.token()
                + ": command ended because "
                + result.lostBecause().get());
        return SelfFence.EXIT_STATUS;
      }
      err.println(
          "LeaseTool run: "
              + resource
              + " token "
              + result.token()
              + ": command exited with "
              + result.exitStatus()
              + ", lease released");
      return result.exitStatus();
    }
  }

  private static SelfFence selfFence(String value) {
    if (value.equals("exit")) {
      return SelfFence.exit();
    }
    if (value.startsWith("watchdog:") && value.length() > "watchdog:".length()) {
      return WatchdogDevice.of(Path.of(value.substring("watchdog:".length()))).selfFence();
    }
    throw ToolArgs.usage("--self-fence '" + value + "' must be exit or watchdog:<device>");
  }
}
