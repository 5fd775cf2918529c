package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import dev.quorate.lock.QuorateException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request blocks between hosts, driven step by step: each test interleaves the hosts' Paxos
 * attempts in the order that starved a waiter before (it reads the slot only while the other host
 * holds it), so the outcome depends on the requests alone, not on timing.
 */
@Timeout(60)
class SlotRequestsTest {
  private static final SlotPolicy.Liveness ALL_LIVE = h -> false;
  private static final int SLOT = 5;
  private static final Holder A = new Holder(1, 1);
  private static final Holder B = new Holder(2, 1);
  private static final Holder C = new Holder(3, 1);

  @TempDir Path dir;
  private final List<LeaseDisks> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(LeaseDisks::close);
  }

  private PaxosLease host(AreaFiles files, Holder h) throws Exception {
    LeaseDisks d = files.open();
    opened.add(d);
    return new PaxosLease(d, files.area, h.hostId());
  }

  /**
   * Host A acquires and releases in a loop; host B asks once per cycle while A holds. Returns the
   * cycle of A after which B was granted, or empty if B starved for {@code limit} cycles.
   */
  private static Optional<Integer> cyclesUntilBIsGranted(PaxosLease a, PaxosLease b, int limit)
      throws Exception {
    for (int cycle = 1; cycle <= limit; cycle++) {
      if (a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE).isEmpty()) {
        // A defers: B, the earlier waiter, must get the slot now.
        assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).isPresent();
        return Optional.of(cycle - 1);
      }
      assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).as("B while A holds").isEmpty();
      assertThat(a.acquire(SLOT, A, SlotMode.FREE, ALL_LIVE)).isPresent();
    }
    return Optional.empty();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void aHostLoopingAcquireAndReleaseLetsAWaiterOfAnotherHostInAfterOneCycle(int diskCount)
      throws Exception {
    AreaFiles files = new AreaFiles(dir, diskCount, AreaFiles.FAST);
    PaxosLease a = host(files, A);
    PaxosLease b = host(files, B);
    assertThat(cyclesUntilBIsGranted(a, b, 50)).as("A's cycles before B's grant").contains(1);
    // Now A waits (its request was written when it deferred): B's next release lets A in, and B,
    // asking again at once, waits behind A.
    assertThat(b.acquire(SLOT, B, SlotMode.FREE, ALL_LIVE)).isPresent();
    assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).as("B behind A").isEmpty();
    assertThat(a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow().holders())
        .containsExactly(A);
  }

  @Test
  void aRequestOfAHostWhoseDeltaLeaseExpiredIsPassedOver() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    PaxosLease a = host(files, A);
    PaxosLease b = host(files, B);
    a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();
    assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).isEmpty();
    a.acquire(SLOT, A, SlotMode.FREE, ALL_LIVE).orElseThrow();
    SlotPolicy.Liveness bDead = h -> h.hostId() == B.hostId();
    assertThat(a.acquire(SLOT, A, SlotMode.EXCLUSIVE, bDead)).isPresent();
  }

  @Test
  void aWithdrawnRequestNoLongerHoldsOthersBack() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    PaxosLease a = host(files, A);
    PaxosLease b = host(files, B);
    a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();
    assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).isEmpty();
    assertThat(b.withdraw(SLOT)).isTrue();
    a.acquire(SLOT, A, SlotMode.FREE, ALL_LIVE).orElseThrow();
    assertThat(a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE)).isPresent();
  }

  /**
   * A holds the slot and B waits for it; then B's request block takes no write on any disk and B's
   * withdrawal fails. Returns B; {@code disksOfB} gets B's disks, to heal.
   */
  private PaxosLease bWhoseWithdrawalFailed(
      AreaFiles files, PaxosLease a, List<CuttableDevice> disksOfB) throws Exception {
    LeaseDisks d = files.openCuttable(disksOfB);
    opened.add(d);
    PaxosLease b = new PaxosLease(d, files.area, B.hostId());
    a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();
    assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).isEmpty();
    long block = SlotRequests.block(files.area, SLOT, B.hostId()) * LeaseArea.BLOCK_SIZE;
    disksOfB.forEach(c -> c.refuseWritesAt(block));
    assertThat(b.withdraw(SLOT)).isFalse();
    return b;
  }

  @Test
  void aWithdrawalNoDiskTookIsOwedUntilARetryLandsIt() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    PaxosLease a = host(files, A);
    List<CuttableDevice> disksOfB = new ArrayList<>();
    PaxosLease b = bWhoseWithdrawalFailed(files, a, disksOfB);

    assertThat(b.retryWithdrawals()).containsExactly(SLOT);
    a.acquire(SLOT, A, SlotMode.FREE, ALL_LIVE).orElseThrow();
    assertThat(a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE)).as("A behind B's stale").isEmpty();

    disksOfB.forEach(CuttableDevice::heal);
    assertThat(b.retryWithdrawals()).isEmpty();
    assertThat(a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE)).isPresent();
  }

  @Test
  void aNewRequestReplacesAnOwedWithdrawalWhichARetryThenLeavesAlone() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    PaxosLease a = host(files, A);
    List<CuttableDevice> disksOfB = new ArrayList<>();
    PaxosLease b = bWhoseWithdrawalFailed(files, a, disksOfB);
    disksOfB.forEach(CuttableDevice::heal);

    assertThat(b.acquire(SLOT, B, SlotMode.SHARED, ALL_LIVE)).as("B asks again").isEmpty();
    assertThat(b.retryWithdrawals()).isEmpty();
    assertThat(a.requests(SLOT))
        .filteredOn(r -> r.hostId() == B.hostId())
        .singleElement()
        .satisfies(r -> assertThat(r.mode()).isEqualTo(SlotMode.SHARED))
        .satisfies(r -> assertThat(r.ticket()).isGreaterThan(1));
  }

  @Test
  void aRequestNoDiskTookIsWrittenAgainAtTheNextAsk() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    PaxosLease a = host(files, A);
    List<CuttableDevice> disksOfB = new ArrayList<>();
    LeaseDisks d = files.openCuttable(disksOfB);
    opened.add(d);
    PaxosLease b = new PaxosLease(d, files.area, B.hostId());
    long block = SlotRequests.block(files.area, SLOT, B.hostId()) * LeaseArea.BLOCK_SIZE;
    disksOfB.forEach(c -> c.refuseWritesAt(block));
    a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();
    assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).as("B while A holds").isEmpty();
    assertThat(a.requests(SLOT)).as("B's request, refused by every disk").isEmpty();

    disksOfB.forEach(CuttableDevice::heal);
    assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).as("B asks again").isEmpty();
    assertThat(a.requests(SLOT))
        .as("B's request, written at its next ask")
        .singleElement()
        .satisfies(r -> assertThat(r.hostId()).isEqualTo(B.hostId()));
    a.acquire(SLOT, A, SlotMode.FREE, ALL_LIVE).orElseThrow();
    assertThat(a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE)).as("A behind B").isEmpty();
    assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).isPresent();
  }

  @Test
  void aSharedRequestDoesNotOvertakeAnEarlierExclusiveWaiterButAHolderConverts() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    PaxosLease a = host(files, A);
    PaxosLease b = host(files, B);
    PaxosLease c = host(files, C);
    a.acquire(SLOT, A, SlotMode.SHARED, ALL_LIVE).orElseThrow();
    assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).isEmpty();
    assertThat(c.acquire(SLOT, C, SlotMode.SHARED, ALL_LIVE)).as("C behind B's EX").isEmpty();
    // A holds the slot: its conversion goes before the waiters, as conversions do.
    assertThat(a.acquire(SLOT, A, SlotMode.EXCLUSIVE, ALL_LIVE)).isPresent();
    a.acquire(SLOT, A, SlotMode.FREE, ALL_LIVE).orElseThrow();
    assertThat(c.acquire(SLOT, C, SlotMode.SHARED, ALL_LIVE)).as("still behind B").isEmpty();
    assertThat(b.acquire(SLOT, B, SlotMode.EXCLUSIVE, ALL_LIVE)).isPresent();
    b.acquire(SLOT, B, SlotMode.FREE, ALL_LIVE).orElseThrow();
    assertThat(c.acquire(SLOT, C, SlotMode.SHARED, ALL_LIVE)).isPresent();
  }

  @Test
  void requestBlocksRoundTripAndAWithdrawalSupersedesItsRequest() throws Exception {
    UUID area = UUID.randomUUID();
    SlotRequest asked = new SlotRequest(4, 9, SlotMode.SHARED, 17);
    ByteBuffer block = AreaCodec.encodeRequest(area, asked);
    assertThat(AreaCodec.decodeRequest(block, area, 4, "test")).contains(asked);
    assertThat(AreaCodec.decodeRequest(block, UUID.randomUUID(), 4, "test")).isEmpty();
    SlotRequest done = new SlotRequest(4, 9, SlotMode.FREE, 17);
    assertThat(SlotRequests.newest(List.of(done, asked))).containsExactly(done);
    assertThat(SlotRequests.newest(List.of(asked, done))).containsExactly(done);
  }

  @Test
  void anAreaOfTheFormatWithoutRequestBlocksIsRefusedByVersion() {
    LeaseArea area = LeaseArea.create(2, 2, AreaFiles.FAST);
    ByteBuffer header = AreaCodec.encodeHeader(area);
    header.putInt(8, 2); // as the previous build wrote it, sealed with a valid CRC32C
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, AreaCodec.SIZE - 4);
    header.putInt(AreaCodec.SIZE - 4, (int) crc.getValue());
    assertThatThrownBy(() -> AreaCodec.decodeHeader(header, "disk0"))
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("lease area version 2, this build reads 3")
        .hasMessageContaining("no request blocks");
  }
}
