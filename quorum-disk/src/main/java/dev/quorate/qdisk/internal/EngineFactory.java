package dev.quorate.qdisk.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskClock;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.Heuristic;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.SelfFence;
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

/** Validates the disks against each other and wires a production engine. */
public final class EngineFactory {
  private EngineFactory() {}

  /** Validates and returns channels for {@code devices}, all of cluster {@code cluster}. */
  public static List<DiskChannel> channels(List<BlockDevice> devices, String cluster, int nodeId) {
    if (devices.size() != 1 && devices.size() != 3 && devices.size() != 5) {
      throw new ConfigurationException(
          devices.size()
              + " disks configured: use 1, 3 or 5, so that a strict majority exists"
              + " and survives the loss of a minority");
    }
    List<DiskChannel> channels = new ArrayList<>();
    Map<UUID, String> seen = new HashMap<>();
    DiskHeader first = null;
    for (BlockDevice d : devices) {
      DiskHeader h;
      try {
        h = DiskReader.readHeader(d, cluster);
      } catch (IOException e) {
        throw new QuorateException(
            ErrorCode.IO_FAILURE, d.name() + ": cannot read the header: " + e.getMessage(), e);
      }
      String twice = seen.put(h.diskId(), d.name());
      if (twice != null) {
        throw new ConfigurationException(
            d.name() + " and " + twice + " are the same disk (" + h.diskId() + ")");
      }
      if (first == null) {
        first = h;
        DiskReader.checkSlot(h, nodeId, d.name());
        h.timing().check();
      } else if (h.slotCount() != first.slotCount() || !h.timing().equals(first.timing())) {
        throw new ConfigurationException(
            d.name()
                + " was formatted with "
                + h.slotCount()
                + " slots and "
                + h.timing()
                + ", unlike the first disk ("
                + first.slotCount()
                + " slots, "
                + first.timing()
                + "): format all disks of a node alike");
      }
      channels.add(new DiskChannel(d, h));
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
      DiskClock clock,
      List<Consumer<QuorumDiskEvent>> listeners) {
    List<DiskChannel> plain = channels(devices, cluster, nodeId);
    // Before anything is written: a watchdog whose timeout the deadline cannot cover refuses.
    selfFence.verify(plain.get(0).header().timing());
    Duration io = plain.get(0).header().timing().ioTimeout();
    List<DiskChannel> timed = new ArrayList<>();
    for (DiskChannel c : plain) {
      timed.add(new DiskChannel(new TimedBlockDevice(c.device(), io), c.header()));
    }
    ScoreBoard scores =
        heuristics.isEmpty()
            ? ScoreBoard.none()
            : new HeuristicRunner(
                heuristics, minScore, plain.get(0).header().timing().interval().multipliedBy(2));
    ExecutorService ioPool =
        Executors.newFixedThreadPool(
            timed.size(),
            r -> {
              Thread t = new Thread(r, "qdisk-round-" + nodeId);
              t.setDaemon(true);
              return t;
            });
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
            resources));
  }
}
