package dev.quorate.disklease.internal;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a process and every process it started, as libvirt's sanlock driver ends a guest whose lease
 * is lost: SIGTERM to the whole tree, then SIGKILL to what is left after the grace. Descendants are
 * collected before the root dies, because an orphan is re-parented and no longer found beneath it.
 */
public final class ProcessTree {
  /** How long SIGKILLed processes get to disappear; the kernel needs no grace for SIGKILL. */
  private static final Duration AFTER_KILL = Duration.ofSeconds(2);

  private ProcessTree() {}

  /**
   * Terminates {@code root} and its descendants.
   *
   * @param root the process, such as a guest's QEMU
   * @param grace how long SIGTERM may take before SIGKILL
   * @return the processes that were still alive after SIGKILL (normally none)
   * @throws InterruptedException if interrupted while waiting
   */
  public static List<ProcessHandle> terminate(ProcessHandle root, Duration grace)
      throws InterruptedException {
    Set<ProcessHandle> tree = collect(root);
    tree.forEach(ProcessHandle::destroy);
    if (!awaitExit(tree, grace)) {
      tree.addAll(collect(root)); // children forked while SIGTERM was handled
      tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      awaitExit(tree, AFTER_KILL);
    }
    return tree.stream().filter(ProcessHandle::isAlive).toList();
  }

  private static Set<ProcessHandle> collect(ProcessHandle root) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }

  private static boolean awaitExit(Set<ProcessHandle> tree, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        // onExit never completes exceptionally for a process handle; treat it as gone
        continue;
      }
    }
    return true;
  }
}
