package dev.quorate.qdisk;

import dev.quorate.fence.LivenessSource;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.SelfFenceReason;
import dev.quorate.quorum.TieBreaker;
import dev.quorate.quorum.TieContext;
import dev.quorate.quorum.VoteSource;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A node's quorum disk engine: it heartbeats on 1, 3 or 5 shared disks, watches its peers' slots,
 * elects a master, evicts dead peers, and fences this node when it is evicted or cut off from a
 * majority of its disks. The master's partition receives the disk's votes through {@link
 * #voteSource}.
 *
 * <p>Failure semantics. A peer is DOWN after {@code tko} heartbeats without a change of its
 * sequence, timed on this node's clock. A node that has not renewed on a majority of disks within
 * its renewal deadline stops acting (and fences itself); the timing check guarantees that deadline
 * ends before any peer may declare it DOWN, so a new master's tenure never overlaps the old one's.
 * A node that is paused (SIGSTOP, a frozen VM) cannot run code: when it resumes it finds its
 * deadline expired or an eviction in its mailbox and fences itself before acting; only a watchdog
 * ({@link WatchdogDevice#selfFence()}) also bounds what it does in the instant it resumes.
 *
 * <pre>{@code
 * try (QuorumDisk qdisk =
 *     QuorumDisk.builder(2, "alpha")
 *         .disk(Path.of("/dev/disk/by-id/wwn-0x5000c5"))
 *         .selfFence(SelfFence.exit())
 *         .build()) {
 *   qdisk.start();
 *   QuorumPolicy policy = QuorumPolicy.builder(topology).voteSource(qdisk.voteSource("qdisk", 1))
 *       .build();
 * }
 * }</pre>
 */
public interface QuorumDisk extends AutoCloseable {
  /**
   * Starts building the engine of node {@code nodeId} in cluster {@code clusterName}.
   *
   * @param nodeId the local node id; its slot number
   * @param clusterName the cluster the disks must belong to
   * @return a builder
   */
  static QuorumDiskBuilder builder(int nodeId, String clusterName) {
    return new QuorumDiskBuilder(nodeId, clusterName);
  }

  /**
   * Formats a disk (a block device or a plain file) for a cluster, as the daemon's {@code format}
   * command does: everything is checked before the first write, the header is written last, and
   * another cluster's disk or unknown data is refused unless {@code force}.
   *
   * <pre>{@code
   * try (BlockDevice device = BlockDevice.open(Path.of("/dev/disk/by-id/qdisk"))) {
   *   QuorumDisk.format(device, header, false);
   * }
   * }</pre>
   *
   * @param device the disk
   * @param header the layout and timing to write
   * @param force overwrite a disk that holds another cluster's or unknown data
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#IO_FAILURE} if
   *     the disk cannot be read or written (the cause says why), or another code if the disk is
   *     refused (too small, foreign data)
   */
  static void format(BlockDevice device, DiskHeader header, boolean force) {
    try {
      dev.quorate.qdisk.internal.DiskFormatter.format(device, header, force);
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "cannot format " + device + " for cluster " + header.clusterName() + ": " + e,
          e);
    }
  }

  /**
   * Starts heartbeating: takes a new incarnation and claims the node's slot, which blocks for at
   * least {@code tko} intervals: it writes a claim record and reads the slot that long, so a second
   * process configured with the same node id is found before this one ever votes (the running one
   * finds the claim in its slot and fences itself with {@link SelfFenceReason#DUPLICATE_NODE_ID}).
   * Then it clears eviction messages left for earlier incarnations and runs a heartbeat every
   * interval on a thread of its own.
   *
   * @throws dev.quorate.lock.QuorateException if the node's slot cannot be read on a majority of
   *     disks, or its sequence or incarnation is at its maximum (nothing is written then); REFUSED,
   *     naming the slot and both processes' incarnations and hosts, if another process advanced the
   *     slot during the claim
   * @throws IllegalStateException if already started or closed
   */
  void start();

  /**
   * Returns the snapshot published by the last heartbeat.
   *
   * @return the status
   */
  QuorumDiskStatus status();

  /**
   * Returns the master this node recognises now: itself while its tenure lasts, else the UP peer
   * whose slot claims the role; empty while there is none or this node has stopped heartbeating.
   *
   * @return the master, never blocking
   */
  Optional<MemberId> currentMaster();

  /**
   * Returns a vote source that gives {@code votes} to the partition holding the master.
   *
   * @param name the source's name
   * @param votes the disk's votes
   * @return the vote source
   * @throws dev.quorate.lock.ConfigurationException if the name is blank or votes below 1
   */
  default VoteSource voteSource(String name, int votes) {
    return VoteSource.toPartitionOf(name, votes, this::currentMaster);
  }

  /** Stops heartbeating and, unless fenced, writes the slot as cleanly STOPPED. */
  /**
   * Returns a tie-breaker that grants an exact half to the partition holding the disk's master, as
   * qdiskd's master decides a 50:50 split. No master (or a master this node cannot see) grants
   * nothing.
   *
   * <pre>{@code
   * QuorumPolicy policy = QuorumPolicy.builder(topology).autoTieBreaker(disk.tieBreaker()).build();
   * }</pre>
   *
   * @return the tie-breaker
   */
  default TieBreaker tieBreaker() {
    return new TieBreaker() {
      @Override
      public boolean grants(TieContext context) {
        return currentMaster().filter(context.partition()::contains).isPresent();
      }

      @Override
      public String toString() {
        return "quorum-disk master";
      }
    };
  }

  /**
   * Returns the disk's evidence of life for the fence guard: when each node's heartbeat was last
   * seen to advance, on this node's clock ({@link System#nanoTime()} unless a test clock was
   * given). A node whose heartbeat still advances is not fenced.
   *
   * <pre>{@code
   * TopologyFenceGuard guard = TopologyFenceGuard.builder(policy, quorum::state)
   *     .livenessSource(disk.livenessSource())
   *     .build();
   * }</pre>
   *
   * @return the liveness source
   */
  default LivenessSource livenessSource() {
    return new LivenessSource() {
      @Override
      public OptionalLong lastSeenNanos(MemberId member) {
        return status().nodes().stream()
            .filter(node -> node.nodeId() == member.value())
            .findFirst()
            .map(NodeStatus::lastProgressNanos)
            .orElse(OptionalLong.empty());
      }

      @Override
      public String name() {
        return "quorum disk heartbeat";
      }
    };
  }

  @Override
  void close();
}
