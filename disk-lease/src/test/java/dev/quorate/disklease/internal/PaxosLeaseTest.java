package dev.quorate.disklease.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.BlockDevice;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(120)
class PaxosLeaseTest {
  private static final SlotPolicy.Liveness ALL_LIVE = h -> false;

  @TempDir Path dir;
  private final List<LeaseDisks> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(LeaseDisks::close);
  }

  private LeaseDisks open(AreaFiles files) throws Exception {
    LeaseDisks d = files.open();
    opened.add(d);
    return d;
  }

  private PaxosLease host(AreaFiles files, int id) throws Exception {
    return new PaxosLease(open(files), files.area, id);
  }

  @Test
  void eachGrantAndReleaseIsANewLeaseVersion() throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    PaxosLease a = host(files, 1);
    Holder me = new Holder(1, 1);
    LeaseValue held = a.acquire(7, me, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();
    assertThat(held.lver()).isEqualTo(1);
    assertThat(held.holders()).containsExactly(me);
    assertThat(a.acquire(7, me, SlotMode.FREE, ALL_LIVE).orElseThrow().mode())
        .isEqualTo(SlotMode.FREE);
    assertThat(a.acquire(7, me, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow().lver()).isEqualTo(3);
    assertThat(host(files, 2).readLeader(7).holders()).containsExactly(me);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 5})
  void contendingHostsNeverOverlapAndTokensRiseInGrantOrder(int diskCount) throws Exception {
    AreaFiles files = new AreaFiles(dir, diskCount, AreaFiles.FAST);
    AtomicInteger inside = new AtomicInteger();
    List<Long> grants = new ArrayList<>();
    List<CompletableFuture<Void>> hosts = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      PaxosLease lease = host(files, id);
      Holder me = new Holder(id, 1);
      hosts.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < 5; i++) {
                    Optional<LeaseValue> got = Optional.empty();
                    while (got.isEmpty()) {
                      got = lease.acquire(0, me, SlotMode.EXCLUSIVE, ALL_LIVE);
                    }
                    assertThat(inside.incrementAndGet()).as("holders at once").isEqualTo(1);
                    synchronized (grants) {
                      grants.add(got.get().lver());
                    }
                    inside.decrementAndGet();
                    lease.acquire(0, me, SlotMode.FREE, ALL_LIVE).orElseThrow();
                  }
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              },
              runnable -> new Thread(runnable).start()));
    }
    CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
    assertThat(grants).hasSize(15).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aLiveOwnersLeaseIsNotTakenOverAndADeadOnesIs() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    DeltaLease ownerId = new DeltaLease(open(files), files.area, new FakeClock(), 1, "node-a");
    ownerId.acquire();
    Holder owner = new Holder(1, ownerId.generation());
    LeaseValue held = host(files, 1).acquire(3, owner, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();

    FakeClock clockB = new FakeClock();
    HostWatch watchB = new HostWatch(open(files), files.area, clockB);
    PaxosLease b = host(files, 2);
    Holder taker = new Holder(2, 1);
    Duration expiry = files.area.timing().hostExpiry();
    assertThat(b.acquire(3, taker, SlotMode.EXCLUSIVE, watchB::isDead)).isEmpty();
    clockB.advance(expiry.minusMillis(1));
    assertThat(ownerId.renew()).isTrue();
    assertThat(b.acquire(3, taker, SlotMode.EXCLUSIVE, watchB::isDead))
        .as("the owner renewed: its lease stays")
        .isEmpty();
    clockB.advance(expiry);
    LeaseValue taken = b.acquire(3, taker, SlotMode.EXCLUSIVE, watchB::isDead).orElseThrow();
    assertThat(taken.holders()).containsExactly(taker);
    assertThat(taken.lver()).isGreaterThan(held.lver());
  }

  @Test
  void sharedHoldersCoexistAndKeepAnExclusiveRequestWaiting() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    PaxosLease a = host(files, 1);
    PaxosLease b = host(files, 2);
    PaxosLease c = host(files, 3);
    Holder ha = new Holder(1, 1);
    Holder hb = new Holder(2, 1);
    Holder hc = new Holder(3, 1);
    a.acquire(0, ha, SlotMode.SHARED, ALL_LIVE).orElseThrow();
    LeaseValue both = b.acquire(0, hb, SlotMode.SHARED, ALL_LIVE).orElseThrow();
    assertThat(both.holders()).containsExactly(ha, hb);
    assertThat(c.acquire(0, hc, SlotMode.EXCLUSIVE, ALL_LIVE)).isEmpty();
    a.acquire(0, ha, SlotMode.FREE, ALL_LIVE).orElseThrow();
    assertThat(c.acquire(0, hc, SlotMode.EXCLUSIVE, ALL_LIVE)).isEmpty();
    b.acquire(0, hb, SlotMode.FREE, ALL_LIVE).orElseThrow();
    assertThat(c.acquire(0, hc, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow().holders())
        .containsExactly(hc);
    assertThat(a.acquire(0, ha, SlotMode.SHARED, ALL_LIVE)).isEmpty();
  }

  @Test
  void aDecidedButUncommittedValueIsAdoptedByTheNextProposer() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    PaxosLease a = host(files, 1);
    Holder ha = new Holder(1, 1);
    LeaseValue wanted = new LeaseValue(1, SlotMode.EXCLUSIVE, List.of(ha));
    // host 1 decides instance 1 and dies before writing the leader
    assertThat(a.propose(5, wanted)).contains(wanted);
    PaxosLease b = host(files, 2);
    assertThat(b.acquire(5, new Holder(2, 1), SlotMode.EXCLUSIVE, ALL_LIVE))
        .as("host 2 learns host 1's decision instead of overriding it")
        .isEmpty();
    assertThat(b.readLeader(5)).isEqualTo(wanted);
  }

  private static ByteBuffer readLeaderBlock(AreaFiles files, int disk, int slot) throws Exception {
    try (FileChannel ch = FileChannel.open(files.paths.get(disk), StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(LeaseArea.BLOCK_SIZE);
      ch.read(b, leaderOffset(files, slot));
      return b.flip();
    }
  }

  private static void writeLeaderBlock(AreaFiles files, int disk, int slot, ByteBuffer content)
      throws Exception {
    try (FileChannel ch = FileChannel.open(files.paths.get(disk), StandardOpenOption.WRITE)) {
      ch.write(content.duplicate(), leaderOffset(files, slot));
    }
  }

  private static long leaderOffset(AreaFiles files, int slot) {
    int hosts = files.area.hostSlots();
    return (1L + hosts + (long) slot * (1 + hosts)) * LeaseArea.BLOCK_SIZE;
  }

  @Test
  void aStaleLeaderBroughtBackByALateWriteNeverSendsTheTokenBackwards() throws Exception {
    AreaFiles files = new AreaFiles(dir, 3, AreaFiles.FAST);
    List<BlockDevice> devices = new ArrayList<>();
    for (Path p : files.paths) {
      devices.add(BlockDevice.open(p));
    }
    CuttableDevice disk1 = new CuttableDevice(devices.get(1));
    devices.set(1, disk1);
    LeaseDisks disks = new LeaseDisks(devices, files.area.timing().ioTimeout());
    opened.add(disks);
    PaxosLease a = new PaxosLease(disks, files.area, 1);
    Holder me = new Holder(1, 1);
    int slot = 4;
    assertThat(a.acquire(slot, me, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow().lver()).isEqualTo(1);
    ByteBuffer old = readLeaderBlock(files, 0, slot);
    a.acquire(slot, me, SlotMode.FREE, ALL_LIVE).orElseThrow();
    LeaseValue held = a.acquire(slot, me, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();
    assertThat(held.lver()).isEqualTo(3);
    // Disk 0: a write of the lver-1 leader, stalled until now, lands late. Disk 2 missed the
    // commits of lver 2 and 3 and still holds lver 1. Only disk 1 holds lver 3, and it does not
    // answer this host: the majority that answers shows lver 1, naming this host.
    writeLeaderBlock(files, 0, slot, old);
    writeLeaderBlock(files, 2, slot, old);
    disk1.cut();
    Optional<LeaseValue> again = a.acquire(slot, me, SlotMode.EXCLUSIVE, ALL_LIVE);
    assertThat(again.stream().map(LeaseValue::lver).toList())
        .as("lver granted after host 1 held lver %d", held.lver())
        .allSatisfy(lver -> assertThat(lver).isGreaterThanOrEqualTo(held.lver()));
  }

  @ParameterizedTest(name = "write {0} of the release torn")
  @ValueSource(ints = {0, 1, 2})
  void aTornBallotOrLeaderWriteOnTheOnlyDiskLeavesTheSlotUsable(int whole) throws Exception {
    AreaFiles files = new AreaFiles(dir, 1, AreaFiles.FAST);
    List<CuttableDevice> tearing = new ArrayList<>();
    LeaseDisks disks = files.openCuttable(tearing);
    opened.add(disks);
    PaxosLease a = new PaxosLease(disks, files.area, 1);
    Holder ha = new Holder(1, 1);
    int slot = 9;
    a.acquire(slot, ha, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();
    // The release writes host 1's ballot twice (phases 1 and 2), then the leader: tear one.
    tearing.get(0).tearAfter(whole);
    try {
      a.acquire(slot, ha, SlotMode.FREE, ALL_LIVE).orElseThrow();
    } catch (QuorateException commitTorn) {
      assertThat(commitTorn.code()).isEqualTo(ErrorCode.IO_FAILURE);
      a.acquire(slot, ha, SlotMode.FREE, ALL_LIVE).orElseThrow(); // the release, asked again
    }
    Holder hb = new Holder(2, 1);
    LeaseValue taken = host(files, 2).acquire(slot, hb, SlotMode.EXCLUSIVE, ALL_LIVE).orElseThrow();
    assertThat(taken.holders()).containsExactly(hb);
    assertThat(taken.lver()).isEqualTo(3);
  }
}
