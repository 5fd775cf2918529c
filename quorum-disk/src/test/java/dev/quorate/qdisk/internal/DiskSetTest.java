package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import dev.quorate.quorum.SelfFenceReason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slot ownership, disk sets, start-up on a majority and disk replacement, on memory disks with a
 * fake clock: the library half of what the daemon ITs show with real processes.
 */
@Timeout(20)
class DiskSetTest {
  private static SimCluster running(int disks, int nodes) throws Exception {
    SimCluster c = new SimCluster(disks, 4);
    for (int n = 1; n <= nodes; n++) {
      c.start(n);
    }
    c.beatUntil(() -> c.engines.get(1).currentMaster().isPresent(), 40);
    return c;
  }

  private static byte[] block(BlockDevice d, long offset) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(4096);
    d.read(offset, b);
    return b.array();
  }

  private static void wipeHeader(BlockDevice d) throws Exception {
    d.write(0, ByteBuffer.allocate(4096));
  }

  @Test
  void aRecordOfAnotherProcessInTheOwnSlotFencesWithDuplicateNodeId() throws Exception {
    SimCluster c = running(1, 3);
    c.writeForeignRecord(2);
    c.beat();
    assertThat(c.fenced)
        .containsEntry(2, SelfFenceReason.DUPLICATE_NODE_ID)
        .doesNotContainKeys(1, 3);
  }

  @Test
  void ownRecordsAreNeverForeignButAnotherWritersAre() {
    HeartbeatSlot mine =
        new HeartbeatSlot(2, 5, 100, SlotState.RUN, 0, true, 1, 1, List.of(), "a pid 1");
    assertThat(SlotOwnership.foreign(mine.next(SlotState.RUN, 0, true, 1, 1, List.of()), mine))
        .isTrue();
    // Its own earlier record (a lost write leaves it), an EMPTY slot, an earlier incarnation.
    assertThat(
            SlotOwnership.foreign(
                new HeartbeatSlot(2, 5, 99, SlotState.RUN, 0, true, 1, 1, List.of(), "a pid 1"),
                mine))
        .isFalse();
    assertThat(SlotOwnership.foreign(HeartbeatSlot.empty(2), mine)).isFalse();
    assertThat(SlotOwnership.foreign(mine.withHost("b pid 2"), mine)).isTrue();
    assertThat(
            SlotOwnership.foreign(
                new HeartbeatSlot(2, 4, 500, SlotState.RUN, 0, true, 1, 1, List.of(), "b pid 2"),
                mine))
        .isFalse();
    assertThat(
            SlotOwnership.foreign(
                new HeartbeatSlot(2, 6, 1, SlotState.INIT, 0, false, 0, 0, List.of(), "b pid 2"),
                mine))
        .isTrue();
  }

  @Test
  void theClaimRefusesWhileTheOwnerBeatsAndAQuietSlotIsClaimed() throws Exception {
    SimCluster c = running(1, 2);
    Map<SelfFenceReason, String> secondFenced = new EnumMap<>(SelfFenceReason.class);
    HeartbeatEngine second = c.create(2, secondFenced::put, c.beatingClock(), "second pid 9");
    assertThatThrownBy(second::start)
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("slot 2 has two writers")
        .hasMessageContaining("'second pid 9'")
        .hasMessageContaining("'sim-node-2'");
    assertThat(c.fenced).containsEntry(2, SelfFenceReason.DUPLICATE_NODE_ID);
    // The refused process wrote its claim and nothing after it: close() adds no STOPPED record.
    byte[] slot = block(c.disks.get(0), Layout.slotOffset(2));
    second.close();
    assertThat(block(c.disks.get(0), Layout.slotOffset(2))).isEqualTo(slot);
    assertThat(secondFenced).isEmpty();

    // Both stopped: the slot is quiet, and the owner started again claims it with a newer
    // incarnation than both, which its peer sees UP.
    HeartbeatSlot last = DiskReader.readSlot(c.disks.get(0), c.headers.get(0), 2).value().get();
    HeartbeatEngine again = c.create(2, (r, d) -> {}, c.beatingClock(), "sim-node-2 again");
    again.start();
    try {
      assertThat(again.status().incarnation()).isGreaterThan(last.incarnation());
    } finally {
      again.close();
    }
  }

  @Test
  void oneBadDiskOfThreeIsToleratedAndTwoAreRefusedNamingBoth() throws Exception {
    SimCluster c = new SimCluster(3, 4);
    wipeHeader(c.disks.get(1));
    List<DiskChannel> channels = EngineFactory.channels(new ArrayList<>(c.disks), "sim", 1);
    assertThat(channels).extracting(DiskChannel::joined).containsExactly(true, false, true);
    assertThat(channels.get(1).health().lastError()).contains("disk1").contains("all zeros");

    wipeHeader(c.disks.get(2));
    assertThatThrownBy(() -> EngineFactory.channels(new ArrayList<>(c.disks), "sim", 1))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("1 of 3 disks are usable, fewer than a majority of 2")
        .hasMessageContaining("disk1")
        .hasMessageContaining("disk2");
  }

  @Test
  void disksOfSeparateFormatsAreRefusedNamingBoth() throws Exception {
    SimCluster c = new SimCluster(3, 4);
    SimCluster other = new SimCluster(1, 4);
    MemoryBlockDevice foreign = other.disks.get(0);
    assertThatThrownBy(
            () ->
                EngineFactory.channels(List.of(c.disks.get(0), c.disks.get(1), foreign), "sim", 1))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("belongs to disk set " + other.headers.get(0).setId())
        .hasMessageContaining("disk0 to disk set " + c.headers.get(0).setId());
  }

  @Test
  void aWipedDiskIsNotWrittenAndAReplacedOneIsAdoptedByRunningNodes() throws Exception {
    SimCluster c = running(3, 3);
    MemoryBlockDevice bad = c.disks.get(1);
    wipeHeader(bad);
    c.beat();
    byte[] slot1 = block(bad, Layout.slotOffset(1));
    c.beat(3);
    assertThat(block(bad, Layout.slotOffset(1)))
        .as("nothing written to a disk without a header")
        .isEqualTo(slot1);
    for (int n = 1; n <= 3; n++) {
      assertThat(c.engines.get(n).status().disks().get(1).renewed()).isFalse();
    }

    DiskHeader fresh =
        DiskReplacement.replace(new ArrayList<>(c.disks), 1, "sim", false, c.beatingClock());
    assertThat(fresh.setId()).isEqualTo(c.headers.get(0).setId());
    assertThat(fresh.diskId()).isNotEqualTo(c.headers.get(1).diskId());
    c.beat();
    for (int n = 1; n <= 3; n++) {
      assertThat(c.engines.get(n).status().disks().get(1).renewed()).as("node %d", n).isTrue();
    }
    assertThat(c.fenced).isEmpty();
  }

  @Test
  void replacingIsRefusedWithoutAHealthyMajorityOfTheOtherDisksOrOnALiveDisk() throws Exception {
    SimCluster c = running(3, 2);
    assertThatThrownBy(
            () ->
                DiskReplacement.replace(
                    new ArrayList<>(c.disks), 0, "sim", false, c.beatingClock()))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("live heartbeats")
        .hasMessageContaining("node 1 on disk0");
    wipeHeader(c.disks.get(2));
    byte[] header1 = block(c.disks.get(1), 0);
    assertThatThrownBy(
            () ->
                DiskReplacement.replace(new ArrayList<>(c.disks), 1, "sim", true, c.beatingClock()))
        .isInstanceOf(QuorateException.class)
        .satisfies(e -> assertThat(((QuorateException) e).code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessageContaining("only 1 of the other disks are healthy");
    assertThat(block(c.disks.get(1), 0)).isEqualTo(header1);
  }

  @Test
  void aDiskOfTheFormerVersionIsFormattedOnlyWithForce() throws Exception {
    SimCluster c = new SimCluster(1, 4);
    MemoryBlockDevice old = c.disks.get(0);
    old.write(0, RecordCodecTest.versionOneHeader());
    DiskHeader fresh =
        new DiskHeader(
            DiskHeader.CURRENT_VERSION,
            UUID.randomUUID(),
            UUID.randomUUID(),
            "sim",
            4,
            SimCluster.TIMING);
    assertThatThrownBy(
            () -> DiskFormatter.formatSet(List.of(old), List.of(fresh), false, c.beatingClock()))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("disk0: header has format version 1; this build reads version 2")
        .hasMessageContaining("format it with --force");
    assertThatThrownBy(() -> EngineFactory.channels(List.of(old), "sim", 1))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("format version 1");
    DiskFormatter.formatSet(List.of(old), List.of(fresh), true, c.beatingClock());
    assertThat(DiskReader.readHeader(old, "sim")).isEqualTo(fresh);
  }

  @Test
  void formatRefusesADiskWithLiveHeartbeatsAndWritesNothing() throws Exception {
    SimCluster c = running(1, 2);
    byte[] before = block(c.disks.get(0), 0);
    DiskHeader again =
        new DiskHeader(
            DiskHeader.CURRENT_VERSION,
            UUID.randomUUID(),
            UUID.randomUUID(),
            "sim",
            4,
            SimCluster.TIMING);
    assertThatThrownBy(
            () ->
                DiskFormatter.formatSet(
                    List.of(c.disks.get(0)), List.of(again), false, c.beatingClock()))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("live heartbeats")
        .hasMessageContaining("node 1 on disk0")
        .hasMessageContaining("node 2 on disk0");
    assertThat(block(c.disks.get(0), 0)).isEqualTo(before);
  }

  /** A path whose target an operator or multipath can change under the running node. */
  private static final class Path implements BlockDevice {
    private final String name;
    private volatile BlockDevice target;

    Path(String name, BlockDevice target) {
      this.name = name;
      this.target = target;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long size() throws java.io.IOException {
      return target.size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws java.io.IOException {
      target.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws java.io.IOException {
      target.write(offset, src);
    }

    @Override
    public void close() {}
  }

  @Test
  void aDiskAdoptedAtRunTimeThatIsAnotherPathToADiskInUseIsNotCountedTwice() throws Exception {
    SimCluster c = new SimCluster(3, 4);
    wipeHeader(c.disks.get(1));
    Path second = new Path("/dev/mapper/qdisk-b", c.disks.get(1));
    List<DiskChannel> channels =
        EngineFactory.channels(List.of(c.disks.get(0), second, c.disks.get(2)), "sim", 1);
    assertThat(channels).extracting(DiskChannel::joined).containsExactly(true, false, true);
    // The second path now leads to disk0 (a multipath alias): its header is of the set.
    second.target = c.disks.get(0);
    HeartbeatSlot mine =
        new HeartbeatSlot(1, 1, 1, SlotState.INIT, 0, false, 0, 0, List.of(), "sim-node-1");
    DiskChannel.Round round = channels.get(1).heartbeat(mine, c.clock.view(0));
    assertThat(round.renewed()).as("disk0 counted a second time").isFalse();
    assertThat(channels.get(1).joined()).isFalse();
    assertThat(channels.get(1).health().lastError())
        .contains("disk " + c.headers.get(0).diskId() + " is disk0 too");
    assertThat(
            channels
                .get(0)
                .heartbeat(mine.next(SlotState.INIT, 0, false, 0, 0, List.of()), c.clock.view(0))
                .renewed())
        .isTrue();
  }

  @Test
  void aDiskUnusableAtStartIsNotWrittenByTheRunningEngine() throws Exception {
    SimCluster c = new SimCluster(3, 4);
    wipeHeader(c.disks.get(1));
    byte[] slot = block(c.disks.get(1), Layout.slotOffset(1));
    try (dev.quorate.qdisk.QuorumDisk engine =
        EngineFactory.create(
            1,
            "sim",
            new ArrayList<>(c.disks),
            (reason, detail) -> {},
            List.of(),
            0,
            c.beatingClock(),
            List.of())) {
      engine.start();
      ((HeartbeatEngine) engine).tick();
      assertThat(java.util.Arrays.equals(block(c.disks.get(1), Layout.slotOffset(1)), slot))
          .as("the slot of the disk without a header is unchanged")
          .isTrue();
    }
  }
}
