package dev.quorate.samples.failover;

import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.PlugMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The demo's simulated power switch: the program {@code fence_demo_power} (a shell script that
 * speaks the fence-agents stdin protocol, shipped in this jar) and its state, one directory per
 * plug with the plug's power state and the pids of the processes it powers. Cluster managers reach
 * it only through a {@link dev.quorate.fence.Fencer}, which runs it with the exec adapter.
 */
final class PowerSwitch {
  /** The agent name devices use, and the program's file name. */
  static final String AGENT = "fence_demo_power";

  private final Path stateDir;
  private final Path binDir;

  private PowerSwitch(Path work) {
    this.stateDir = work.resolve("power");
    this.binDir = work.resolve("bin");
  }

  /** The power switch of the demo working in {@code work}. */
  static PowerSwitch in(Path work) {
    return new PowerSwitch(work);
  }

  /** Writes the program to {@code bin/} and makes it executable. */
  void install() throws IOException {
    Files.createDirectories(binDir);
    Files.createDirectories(stateDir);
    Path program = binDir.resolve(AGENT);
    try (InputStream script = PowerSwitch.class.getResourceAsStream(AGENT)) {
      if (script == null) {
        throw new IOException("the jar lacks the resource " + AGENT + " next to PowerSwitch");
      }
      Files.copy(script, program, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
  }

  Path program() {
    return binDir.resolve(AGENT);
  }

  /** Creates a plug, powered on, unless it exists. */
  void plug(String name) {
    try {
      Path dir = Files.createDirectories(stateDir.resolve(name).resolve("pids")).getParent();
      Path power = dir.resolve("power");
      if (!Files.exists(power)) {
        Files.writeString(power, "on\n", StandardCharsets.US_ASCII);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create plug " + name + " in " + stateDir, e);
    }
  }

  /** Records that the plug powers the process {@code pid}: cutting the plug kills it. */
  void connect(String plug, long pid) {
    plug(plug);
    try {
      Files.writeString(stateDir.resolve(plug).resolve("pids").resolve(Long.toString(pid)), "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect pid " + pid + " to plug " + plug, e);
    }
  }

  /** Returns the plug's power state, {@code on} or {@code off}. */
  String power(String plug) {
    try {
      return Files.readString(stateDir.resolve(plug).resolve("power")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the power state of plug " + plug, e);
    }
  }

  /**
   * A device of this switch: {@code scope} says whether a plug feeds a host or one VM; {@code
   * hosts} are the physical hosts its plugs feed (required for a host-level device: the guard
   * counts every member of those hosts).
   */
  FenceDevice device(String name, FenceScope scope, PlugMapping plugs, String... hosts) {
    return FenceDevice.builder(name, AGENT)
        .scope(scope)
        .hosts(hosts)
        .option("state_dir", stateDir.toString())
        .plugs(plugs)
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  /** Finds the program in {@code bin/} (and agents registered in this jar, such as the pill). */
  FenceAgents agents() {
    return FenceAgents.load(PowerSwitch.class.getClassLoader(), List.of(binDir));
  }
}
