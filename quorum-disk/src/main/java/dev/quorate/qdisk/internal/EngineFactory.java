package dev.quorate.qdisk.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.DaemonThreads;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.DiskTiming;
import dev.quorate.qdisk.Heuristic;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.quorum.SelfFence;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Validates the disks against each other and wires a production engine. */
public final class EngineFactory {
  private static final Logger LOG = LoggerFactory.getLogger(EngineFactory.class);

  private EngineFactory() {}

  /**
   * Validates and returns channels for {@code devices}, all of cluster {@code cluster}. A disk
   * whose header cannot be used (unreadable, unformatted, corrupt, another cluster's) is tolerated
   * while a strict majority of the list is usable: it gets a channel that writes nothing until the
   * disk holds a header of the set again, and a warning naming it is logged.
   *
   * @throws ConfigurationException if the count is not 1, 3 or 5, a disk is listed twice, or usable
   *     disks belong to different sets or disagree on slots or timing
   * @throws QuorateException if fewer than a majority of the disks are usable
   */
  public static List<DiskChannel> channels(List<BlockDevice> devices, String cluster, int nodeId) {
    if (devices.size() != 1 && devices.size() != 3 && devices.size() != 5) {
      throw new ConfigurationException(
          devices.size()
              + " disks configured: use 1, 3 or 5, so that a strict majority exists"
              + " and survives the loss of a minority");
    }
    int majority = devices.size() / 2 + 1;
    List<DiskHeader> headers = new ArrayList<>();
    Map<Integer, QuorateException> problems = new java.util.TreeMap<>();
    Map<UUID, String> seen = new HashMap<>();
    DiskHeader first = null;
    String firstName = null;
    for (BlockDevice d : devices) {
      DiskHeader h;
      try {
        h = DiskReader.readHeader(d, cluster);
      } catch (QuorateException e) {
        problems.put(headers.size(), e);
        headers.add(null);
        continue;
      } catch (IOException e) {
        problems.put(
            headers.size(),
            new QuorateException(
                ErrorCode.IO_FAILURE, d.name() + ": cannot read the header: " + e.getMessage(), e));
        headers.add(null);
        continue;
      }
      String twice = seen.put(h.diskId(), d.name());
      if (twice != null) {
        throw new ConfigurationException(
            d.name() + " and " + twice + " are the same disk (" + h.diskId() + ")");
      }
      if (first == null) {
        first = h;
        firstName = d.name();
        DiskReader.checkSlot(h, nodeId, d.name());
        h.timing().check();
      } else if (!h.setId().equals(first.setId())) {
        throw new ConfigurationException(
            d.name()
                + " belongs to disk set "
                + h.setId()
                + " but "
                + firstName
                + " to disk set "
                + first.setId()
                + ": disks formatted separately cannot be mixed in one list; list the disks of one"
                + " set, and bring a new disk into a set with `replace-disk`");
      } else if (!first.sameSet(h)) {
        throw new ConfigurationException(
            d.name()
                + " was formatted with "
                + h.slotCount()
                + " slots and "
                + h.timing()
                + ", unlike "
                + firstName
                + " ("
                + first.slotCount()
                + " slots, "
                + first.timing()
                + "): format all disks of a node alike");
      }
      headers.add(h);
    }
    int usable = devices.size() - problems.size();
    if (usable < majority) {
      QuorateException firstProblem = problems.values().iterator().next();
      if (devices.size() == 1) {
        throw firstProblem;
      }
      throw new QuorateException(
          firstProblem.code(),
          usable
              + " of "
              + devices.size()
              + " disks are usable, fewer than a majority of "
              + majority
              + ": "
              + String.join("; ", problems.values().stream().map(Throwable::getMessage).toList()),
          firstProblem);
    }
    List<DiskChannel> channels = new ArrayList<>();
    DiskIds ids = new DiskIds();
    for (int i = 0; i < devices.size(); i++) {
      BlockDevice d = devices.get(i);
      if (headers.get(i) != null) {
        channels.add(new DiskChannel(d, headers.get(i), ids));
        continue;
      }
      channels.add(
          DiskChannel.unusable(
              d,
              first,
              ids,
              problems.get(i).getMessage()
                  + "; the node runs on "
                  + usable
                  + " of "
                  + devices.size()
                  + " disks (a majority) and writes nothing to this one until it holds a header"
                  + " of disk set "
                  + first.setId()
                  + ": replace it with `replace-disk`"));
    }
    return channels;
  }

  /** Builds the engine behind {@link dev.quorate.qdisk.QuorumDiskBuilder#build()}. */
  public static QuorumDisk create(
      int nodeId,
      String cluster,
      List<BlockDevice> devices,
      SelfFence selfFence,
      List<Heuristic> heuristics,
      int minScore,
      MonotonicClock clock,
      List<Consumer<QuorumDiskEvent>> listeners) {
    List<DiskChannel> plain = channels(devices, cluster, nodeId);
    // Before anything is written: a watchdog whose timeout the deadline cannot cover refuses.
    DiskTiming timing = plain.get(0).header().timing();
    selfFence.verify(timing.interval(), timing.renewalDeadline());
    Duration io = plain.get(0).header().timing().ioTimeout();
    List<DiskChannel> timed = new ArrayList<>();
    for (DiskChannel c : plain) {
      if (!c.joined()) {
        // Reported once here, where the node runs; validate prints it itself.
        LOG.warn("disk {} failing: {}", c.device().name(), c.health().lastError());
      }
      timed.add(c.through(new TimeoutBlockDevice(c.device(), io)));
    }
    ScoreBoard scores =
        heuristics.isEmpty()
            ? ScoreBoard.none()
            : new HeuristicRunner(
                heuristics, minScore, plain.get(0).header().timing().interval().multipliedBy(2));
    ExecutorService ioPool =
        Executors.newFixedThreadPool(timed.size(), DaemonThreads.named("qdisk-round-" + nodeId));
    AutoCloseable resources =
        () -> {
          ioPool.shutdownNow();
          if (scores instanceof HeuristicRunner runner) {
            runner.close();
          }
          for (DiskChannel c : timed) {
            c.device().close();
          }
        };
    return new HeartbeatEngine(
        new HeartbeatEngine.Config(
            nodeId,
            plain.get(0).header().timing(),
            timed,
            selfFence,
            scores,
            clock,
            List.copyOf(listeners),
            ioPool,
            resources,
            SlotOwnership.localLabel()));
  }
}
