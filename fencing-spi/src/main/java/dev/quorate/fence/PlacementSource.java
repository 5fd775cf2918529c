package dev.quorate.fence;

import dev.quorate.fence.internal.CommandPlacement;
import dev.quorate.lock.MonotonicClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Tells where the cluster's members run now. A static topology never moves; a ZooKeeper host
 * inventory ({@code ZkHostInventory} in lock-zk) follows what members publish when they migrate; a
 * hypervisor manager knows best, asked through a command. The {@link TopologyFenceGuard} reads it
 * once per decision, and again just before an agent runs.
 *
 * <pre>{@code
 * PlacementSource fixed = PlacementSource.fixed(Map.of("node-a", "h1", "node-b", "h2"));
 * PlacementSource virsh =
 *     PlacementSource.command(List.of("/usr/local/bin/vm-placement"), Duration.ofSeconds(5));
 * }</pre>
 */
@FunctionalInterface
public interface PlacementSource {
  /**
   * Reads the placement as it is now. Must be bounded in time. May throw: the guard then refuses
   * every host-level action, because it cannot know who shares the host.
   *
   * @return the placement, stamped with the guard's monotonic clock
   * @throws dev.quorate.lock.QuorateException if the placement cannot be read
   */
  Placement read();

  /**
   * Returns a name for explanations and logs.
   *
   * @return the name; by default the implementing class's simple name
   */
  default String name() {
    String simple = getClass().getSimpleName();
    return simple.isEmpty() || simple.contains("$$Lambda") ? "placement source" : simple;
  }

  /**
   * Returns a placement that never moves, for physical members or pinned VMs.
   *
   * @param hosts member name to host
   * @return the source; each read is stamped with {@link System#nanoTime()}
   * @throws dev.quorate.lock.ConfigurationException if a name is invalid
   */
  static PlacementSource fixed(Map<String, String> hosts) {
    return fixed(hosts, System::nanoTime);
  }

  /**
   * Returns a placement that never moves, stamped with the given clock.
   *
   * @param hosts member name to host
   * @param nanoClock the guard's monotonic clock
   * @return the source
   * @throws dev.quorate.lock.ConfigurationException if a name is invalid
   */
  static PlacementSource fixed(Map<String, String> hosts, MonotonicClock nanoClock) {
    Map<String, String> copy = new Placement(hosts, 0).hosts();
    return new PlacementSource() {
      @Override
      public Placement read() {
        return new Placement(copy, nanoClock.nanoTime());
      }

      @Override
      public String name() {
        return "fixed placement";
      }
    };
  }

  /**
   * Returns a placement read by running a command (no shell) that prints one {@code member host}
   * pair per line, such as a script over {@code virsh list} on every hypervisor or a call to the
   * virtualization manager. Blank lines and lines starting with {@code #} are skipped; any other
   * line that is not two valid names, or a member named twice, fails the read with the line quoted.
   * A non-zero exit or a timeout fails the read too.
   *
   * @param command the program and its arguments
   * @param timeout the longest a read may take; the process tree is killed after it
   * @return the source
   * @throws dev.quorate.lock.ConfigurationException if the command is empty or the timeout not
   *     positive
   */
  static PlacementSource command(List<String> command, Duration timeout) {
    return new CommandPlacement(command, timeout, System::nanoTime);
  }
}
