package dev.quorate.qdisk;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.internal.EngineFactory;
import dev.quorate.quorum.SelfFence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Configures a {@link QuorumDisk}. {@link #build()} opens and validates every disk before anything
 * is written.
 *
 * <pre>{@code
 * QuorumDisk qdisk = QuorumDisk.builder(1, "alpha")
 *     .disk(Path.of("/dev/sdb")).disk(Path.of("/dev/sdc")).disk(Path.of("/dev/sdd"))
 *     .heuristic(Heuristic.tcp("gw", "10.0.0.1", 22, 1, Duration.ofSeconds(1)), 1)
 *     .selfFence(WatchdogDevice.of(Path.of("/dev/watchdog")).selfFence())
 *     .build();
 * }</pre>
 */
public final class QuorumDiskBuilder {
  private final int nodeId;
  private final String clusterName;
  private final List<Path> paths = new ArrayList<>();
  private final List<BlockDevice> devices = new ArrayList<>();
  private final List<Heuristic> heuristics = new ArrayList<>();
  private final List<Consumer<QuorumDiskEvent>> listeners = new ArrayList<>();
  private int minScore;
  private SelfFence selfFence;
  private MonotonicClock clock = MonotonicClock.system();

  QuorumDiskBuilder(int nodeId, String clusterName) {
    this.nodeId = nodeId;
    this.clusterName = DiskHeader.checkClusterName(clusterName);
  }

  /**
   * Adds a disk by path (a block device or a file).
   *
   * @param path the device
   * @return this builder
   */
  public QuorumDiskBuilder disk(Path path) {
    paths.add(Objects.requireNonNull(path, "path"));
    return this;
  }

  /**
   * Adds an already open disk; the engine closes it.
   *
   * @param device the device
   * @return this builder
   */
  public QuorumDiskBuilder disk(BlockDevice device) {
    devices.add(Objects.requireNonNull(device, "device"));
    return this;
  }

  /**
   * Adds a heuristic and sets the minimum total score for eligibility.
   *
   * @param heuristic the check
   * @param minimumScore the score a node needs to be eligible as master, 0 or more
   * @return this builder
   */
  public QuorumDiskBuilder heuristic(Heuristic heuristic, int minimumScore) {
    heuristics.add(Objects.requireNonNull(heuristic, "heuristic"));
    this.minScore = minimumScore;
    return this;
  }

  /**
   * Sets the self-fence action; required.
   *
   * @param action the action
   * @return this builder
   */
  public QuorumDiskBuilder selfFence(SelfFence action) {
    this.selfFence = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Adds an event listener; it runs on the heartbeat thread and must not block.
   *
   * @param listener the listener
   * @return this builder
   */
  public QuorumDiskBuilder listener(Consumer<QuorumDiskEvent> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Sets the clock; tests use a fake.
   *
   * @param diskClock the clock
   * @return this builder
   */
  public QuorumDiskBuilder clock(MonotonicClock diskClock) {
    this.clock = Objects.requireNonNull(diskClock, "diskClock");
    return this;
  }

  /**
   * Opens and validates the disks.
   *
   * @return the engine, not yet started
   * @throws ConfigurationException if there are not 1, 3 or 5 disks, no self-fence action, a disk
   *     listed twice, headers that disagree, unsafe timing, or a minimum score above the sum of the
   *     heuristics' scores
   * @throws dev.quorate.lock.QuorateException if a disk is unformatted, foreign, corrupt, too
   *     short, or cannot be opened
   */
  public QuorumDisk build() {
    if (selfFence == null) {
      throw new ConfigurationException(
          "a self-fence action is required: callback, exit or watchdog");
    }
    if (minScore < 0) {
      throw new ConfigurationException("minimum score " + minScore + " must be 0 or more");
    }
    int sum = heuristics.stream().mapToInt(Heuristic::score).sum();
    if (minScore > sum) {
      // qdiskd documents min_score <= the sum: above it, this node is silently never eligible.
      throw new ConfigurationException(
          "minimum score "
              + minScore
              + " is above the sum of the heuristics' scores ("
              + sum
              + "): node "
              + nodeId
              + " could never be master; use at most "
              + sum);
    }
    List<BlockDevice> all = new ArrayList<>(devices);
    try {
      for (Path p : paths) {
        all.add(BlockDevice.open(p));
      }
    } catch (IOException e) {
      closeQuietly(all);
      throw new dev.quorate.lock.QuorateException(
          dev.quorate.lock.ErrorCode.IO_FAILURE, "cannot open disk: " + e.getMessage(), e);
    }
    try {
      return EngineFactory.create(
          nodeId, clusterName, all, selfFence, heuristics, minScore, clock, listeners);
    } catch (RuntimeException e) {
      closeQuietly(all);
      throw e;
    }
  }

  private static void closeQuietly(List<BlockDevice> all) {
    for (BlockDevice d : all) {
      try {
        d.close();
      } catch (IOException e) {
        // The build already failed; its exception is the one to report.
      }
    }
  }
}
