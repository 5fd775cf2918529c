package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.lock.QuorateException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.OperationType;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim protocol of the ZooKeeper fence coordinator. A claim slot is a persistent node that is
 * never deleted: empty data means free, otherwise its data names the owner ({@link
 * FenceClaimOwner}). While the owner's session lives, the slot has an ephemeral child {@value
 * #OWNER}. Every change of a slot is a versioned setData, so the data version only grows and a
 * stale writer always fails (no delete-and-recreate ABA).
 *
 * <ul>
 *   <li>Take: one {@code multi()} that sets every slot to the owner at the version read and creates
 *       each slot's ephemeral {@value #OWNER}: all slots or none.
 *   <li>Release: one {@code multi()} that deletes the owner's {@value #OWNER} children and empties
 *       each slot at the version it took.
 *   <li>A slot whose owner's session has ended (data set, no {@value #OWNER} child) is abandoned
 *       mid-fence: it keeps blocking, because the crashed owner may have left a host half powered
 *       off or an agent still running. This member takes it over only once it has seen that same
 *       slot version abandoned for {@code abandonAfter} on its own monotonic clock (never by
 *       comparing two machines' clocks), or an operator releases it.
 * </ul>
 */
public final class FenceClaims {
  /** The ephemeral child that shows the owner's session lives. */
  public static final String OWNER = "owner";

  private static final Logger log = LoggerFactory.getLogger(FenceClaims.class);
  private static final int ROUNDS = 3;

  private final CuratorFramework client;
  private final MonotonicClock clock;
  private final Duration abandonAfter;

  /** When this member first saw each slot version abandoned, on its own clock. */
  private final LossSightings abandonedSince = new LossSightings();

  /**
   * Creates the protocol over a connected client.
   *
   * @param client the client
   * @param clock this member's monotonic clock
   * @param abandonAfter how long a slot must look abandoned to this member before it takes it over
   */
  public FenceClaims(CuratorFramework client, MonotonicClock clock, Duration abandonAfter) {
    this.client = client;
    this.clock = clock;
    this.abandonAfter = abandonAfter;
  }

  /**
   * A slot as read.
   *
   * @param path the slot's path
   * @param version its data version
   * @param owner its owner, or null if free
   * @param ownerAlive whether the owner's {@value #OWNER} child exists
   * @param abandonedNanos how long this member has seen this version abandoned; 0 otherwise
   */
  public record Slot(
      String path, int version, FenceClaimOwner owner, boolean ownerAlive, long abandonedNanos) {
    /**
     * Explains why this slot blocks a claim.
     *
     * @param abandonAfter the take-over bound
     * @return the sentence
     */
    public String explain(Duration abandonAfter) {
      if (owner == null) {
        return path + " is free";
      }
      if (ownerAlive) {
        return owner.describe() + " is in flight (" + path + ")";
      }
      return owner.describe()
          + " was left in flight by a member whose ZooKeeper session ended mid-fence ("
          + path
          + "); it holds until it has looked abandoned to this member for "
          + abandonAfter
          + " ("
          + Duration.ofNanos(abandonedNanos)
          + " so far) or an operator releases it";
    }
  }

  /**
   * A slot this member holds.
   *
   * @param path the slot's path
   * @param version the data version its take left
   */
  public record Held(String path, int version) {}

  /**
   * What a take came to: held slots, or the slots that block it.
   *
   * @param held the slots taken, or null if blocked
   * @param blockers the slots in the way; empty when granted
   * @param takenOver descriptions of abandoned claims this take replaced
   */
  public record Attempt(List<Held> held, List<Slot> blockers, List<String> takenOver) {
    /**
     * Tells whether every slot was taken.
     *
     * @return true if granted
     */
    public boolean granted() {
      return held != null;
    }
  }

  /**
   * Creates a free slot if it does not exist yet.
   *
   * @param path the slot's path
   */
  public void ensureSlot(String path) {
    try {
      client.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
    } catch (KeeperException.NodeExistsException e) {
      // Slots are never deleted: found as expected.
    } catch (Exception e) {
      throw ZkNodes.failure("create the fence claim slot " + path, e);
    }
  }

  /**
   * Reads a slot, optionally leaving a watch on its data and on its owner child.
   *
   * @param path the slot's path
   * @param watcher notified when the slot changes or its owner's session ends, or null
   * @return the slot
   * @throws QuorateException with CORRUPT_DATA naming the path if the data is not a claim
   */
  public Slot read(String path, Watcher watcher) {
    try {
      Stat stat = new Stat();
      byte[] data =
          watcher == null
              ? client.getData().storingStatIn(stat).forPath(path)
              : client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(path);
      if (data == null || data.length == 0) {
        return new Slot(path, stat.getVersion(), null, false, 0);
      }
      FenceClaimOwner owner;
      try {
        owner = FenceClaimOwner.decode(path, data);
      } catch (IllegalArgumentException e) {
        throw new QuorateException(ErrorCode.CORRUPT_DATA, e.getMessage(), e);
      }
      String child = path + "/" + OWNER;
      Stat alive =
          watcher == null
              ? client.checkExists().forPath(child)
              : client.checkExists().usingWatcher(watcher).forPath(child);
      if (alive != null) {
        return new Slot(path, stat.getVersion(), owner, true, 0);
      }
      long now = clock.nanoTime();
      long first = abandonedSince.firstSeen(path, stat.getVersion(), now);
      return new Slot(path, stat.getVersion(), owner, false, now - first);
    } catch (QuorateException e) {
      throw e;
    } catch (Exception e) {
      throw ZkNodes.failure("read the fence claim slot " + path, e);
    }
  }

  /**
   * Takes every slot or none. A slot this member already holds under the same claim id (a retried
   * transaction whose reply was lost) counts as taken.
   *
   * @param paths the slots, which must exist
   * @param mine the owner to write
   * @param watcher watches the slots read, or null
   * @return the attempt
   */
  public Attempt take(List<String> paths, FenceClaimOwner mine, Watcher watcher) {
    byte[] data = mine.encode();
    List<Slot> slots = List.of();
    for (int round = 1; round <= ROUNDS; round++) {
      slots = new ArrayList<>();
      for (String path : paths) {
        slots.add(read(path, watcher));
      }
      if (slots.stream()
          .allMatch(s -> s.owner() != null && mine.claim().equals(s.owner().claim()))) {
        return new Attempt(
            slots.stream().map(s -> new Held(s.path(), s.version())).toList(),
            List.of(),
            List.of());
      }
      List<Slot> blockers = slots.stream().filter(s -> !takeable(s)).toList();
      if (!blockers.isEmpty()) {
        return new Attempt(null, blockers, List.of());
      }
      List<CuratorOp> ops = new ArrayList<>();
      List<String> takenOver = new ArrayList<>();
      try {
        for (Slot s : slots) {
          ops.add(
              client.transactionOp().setData().withVersion(s.version()).forPath(s.path(), data));
          ops.add(
              client
                  .transactionOp()
                  .create()
                  .withMode(CreateMode.EPHEMERAL)
                  .forPath(s.path() + "/" + OWNER, mine.claim().getBytes(StandardCharsets.UTF_8)));
          if (s.owner() != null) {
            takenOver.add(s.owner().describe());
          }
        }
        List<CuratorTransactionResult> results = client.transaction().forOperations(ops);
        List<Held> held = new ArrayList<>();
        for (CuratorTransactionResult r : results) {
          if (r.getType() == OperationType.SET_DATA) {
            held.add(new Held(r.getForPath(), r.getResultStat().getVersion()));
          }
        }
        takenOver.forEach(
            t ->
                log.warn(
                    "fence claim taken over: {} had looked abandoned to this member for {}",
                    t,
                    abandonAfter));
        return new Attempt(held, List.of(), takenOver);
      } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
        // Another member changed a slot since we read it (or our own reply was lost): read again.
        log.debug("fence claim of {} raced ({}); reading again", paths, e.code());
      } catch (Exception e) {
        throw ZkNodes.failure("take the fence claims " + paths, e);
      }
    }
    return new Attempt(null, slots, List.of());
  }

  private boolean takeable(Slot slot) {
    if (slot.owner() == null) {
      return true;
    }
    return !slot.ownerAlive() && slot.abandonedNanos() >= abandonAfter.toNanos();
  }

  /**
   * Releases held slots: deletes the owner children and empties each slot at the version taken.
   * Never throws: a slot that cannot be released keeps blocking until the take-over rule or an
   * operator frees it, which is safe, and says so in the log.
   *
   * @param held the slots
   * @param claim the claim id, to recognise our own owner children
   */
  public void release(List<Held> held, String claim) {
    try {
      List<CuratorOp> ops = new ArrayList<>();
      for (Held h : held) {
        if (ownsChild(h.path(), claim)) {
          ops.add(client.transactionOp().delete().forPath(h.path() + "/" + OWNER));
        }
        ops.add(
            client
                .transactionOp()
                .setData()
                .withVersion(h.version())
                .forPath(h.path(), new byte[0]));
      }
      client.transaction().forOperations(ops);
    } catch (KeeperException.BadVersionException e) {
      log.warn(
          "fence claims {} were taken over after this member's session ended; left to their new"
              + " owner",
          held);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.error(
          "could not release the fence claims {}: they block until this member's session ends"
              + " and they have looked abandoned long enough, or an operator releases them",
          held,
          e);
    }
  }

  private boolean ownsChild(String path, String claim) throws Exception {
    try {
      byte[] data = client.getData().forPath(path + "/" + OWNER);
      return claim.equals(new String(data, StandardCharsets.UTF_8));
    } catch (KeeperException.NoNodeException e) {
      return false;
    }
  }

  /**
   * Frees a slot whose owner's session has ended, at the version read; never a live claim.
   *
   * @param path the slot
   * @param cluster only claims of this cluster
   * @return the released owner's description, or null if the slot is free, live or of another
   *     cluster
   */
  public String releaseAbandoned(String path, String cluster) {
    Slot slot = read(path, null);
    if (slot.owner() == null || slot.ownerAlive() || !slot.owner().cluster().equals(cluster)) {
      return null;
    }
    try {
      client.setData().withVersion(slot.version()).forPath(path, new byte[0]);
      return slot.owner().describe();
    } catch (KeeperException.BadVersionException e) {
      return null; // changed meanwhile: no longer the abandoned claim that was read
    } catch (Exception e) {
      throw ZkNodes.failure("release the abandoned fence claim " + path, e);
    }
  }
}
