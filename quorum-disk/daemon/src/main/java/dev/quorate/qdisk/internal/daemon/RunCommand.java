package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.Heuristic;
import dev.quorate.qdisk.QuorumDisk;
import dev.quorate.qdisk.QuorumDiskBuilder;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.qdisk.internal.Problems;
import dev.quorate.qdisk.metrics.QuorumDiskMetrics;
import dev.quorate.quorum.SelfFence;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The daemon: heartbeats until SIGTERM, then marks its slot cleanly STOPPED. Events go to the log
 * and, if configured, one line each to the event log, flushed per line so that a kill -9 loses
 * nothing already acted on; {@code TENURE} lines there record every master tenure.
 */
@Command(name = "run", description = "Run the quorum disk daemon until SIGTERM.")
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final EventLines LINES = new EventLines();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      description = "daemon config file")
  Path config;

  @Override
  public Integer call() throws Exception {
    DaemonConfig c = DaemonConfig.load(config);
    BufferedWriter events =
        c.tenureLog() == null
            ? null
            : Files.newBufferedWriter(
                c.tenureLog(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    SelfFence fence =
        new HaltingSelfFence(
            c.selfFence().equals("watchdog") ? c.watchdog().selfFence() : SelfFence.exit(),
            Runtime.getRuntime()::halt);
    QuorumDiskBuilder b = QuorumDisk.builder(c.nodeId(), c.cluster()).selfFence(fence);
    // One registry for everything /metrics serves; every disk I/O is timed into it.
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    openDisks(c.disks(), registry).forEach(b::disk);
    for (Heuristic h : c.heuristics()) {
      b.heuristic(h, c.minScore());
    }
    QuorumDiskMetrics metrics = QuorumDiskMetrics.create(registry, 1);
    b.listener(e -> log(e, events));
    b.listener(metrics.listener());
    QuorumDisk qdisk = b.build();
    metrics.bind(qdisk);
    // Every local check before the first write: build() wrote nothing, and a status port that is
    // taken ends the run here, before start() claims the slot.
    StatusServer server;
    try {
      server = c.statusPort() > 0 ? new StatusServer(c.statusPort(), qdisk, registry) : null;
    } catch (IOException | RuntimeException e) {
      qdisk.close();
      throw e;
    }
    try {
      qdisk.start();
    } catch (RuntimeException e) {
      if (server != null) {
        server.close();
      }
      qdisk.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (qdisk.status().fenced()) {
                    // A fenced node ends as a fence, whatever signal comes: never 143.
                    Runtime.getRuntime().halt(SelfFence.EXIT_STATUS);
                  }
                  if (server != null) {
                    server.close();
                  }
                  qdisk.close();
                  try {
                    if (events != null) {
                      events.close();
                    }
                  } catch (IOException e) {
                    LOG.warn("closing event log: {}", Problems.describe(e));
                  }
                  stopped.countDown();
                },
                "qdisk-shutdown"));
    spec.commandLine()
        .getOut()
        .printf(
            "qdisk: node %d of cluster %s running on %d disk(s)%s%n",
            c.nodeId(),
            c.cluster(),
            c.disks().size(),
            server == null ? "" : ", status on http://127.0.0.1:" + server.port());
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  /** Opens every disk, timed; on a failure closes those opened and names the disk. */
  private static List<BlockDevice> openDisks(List<Path> disks, MeterRegistry registry) {
    List<BlockDevice> opened = new ArrayList<>();
    for (Path disk : disks) {
      try {
        opened.add(QuorumDiskMetrics.timed(BlockDevice.open(disk), registry));
      } catch (IOException e) {
        for (BlockDevice d : opened) {
          try {
            d.close();
          } catch (IOException closing) {
            e.addSuppressed(closing);
          }
        }
        throw new QuorateException(
            ErrorCode.IO_FAILURE, "cannot open disk " + disk + ": " + Problems.describe(e), e);
      }
    }
    return opened;
  }

  private static void log(QuorumDiskEvent e, BufferedWriter events) {
    LINES.line(e).ifPresent(l -> LOG.atLevel(l.level()).log(l.text()));
    if (events == null) {
      return;
    }
    try {
      synchronized (events) {
        events.write(
            String.format(
                "%s node=%d term=%d at=%d until=%d %s%n",
                e.kind(), e.nodeId(), e.term(), e.atNanos(), e.untilNanos(), e.detail()));
        events.flush();
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
