package dev.quorate.zk.internal;

import dev.quorate.lock.RecoveryGate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No recovery before the fence, for one request on a gated lock: once the queue rules grant it,
 * every earlier holder that was lost (a {@link HolderRecord} without nodes) must be recovered per
 * the {@link RecoveryGate} before the request is granted; then the request writes its own record
 * and removes the lost ones in one transaction, before the lease reaches the caller. While the gate
 * says no, the request stays queued and asks again on a bounded schedule (the gate is polled, never
 * waited on). Runs on the lease's steps only.
 *
 * <p>A lost holder gates every later grant on the resource, whatever the modes: a record does not
 * say which modes its lease held over its life. That includes the up-conversion of a lease held
 * beside the lost one ({@link #admitConversion}): converting up is a new grant.
 *
 * <p>The gate's {@code lostAtNanos} counts from when this member first saw the holder's session
 * gone (the record's {@link HolderRecord#SESSION} child deleted). While that child is still there,
 * the holder's node was deleted under a live session, and nothing stops such a holder on its own:
 * the gate is then passed the current time on every poll, so a self-fence deadline never passes,
 * and only a fence or a confirmation opens it.
 */
final class RecoveryCheck {
  private static final Logger log = LoggerFactory.getLogger(RecoveryCheck.class);
  private static final Duration FIRST_POLL = Duration.ofMillis(100);
  private static final Duration LAST_POLL = Duration.ofSeconds(1);

  /** What {@link #admit} decided. */
  enum Verdict {
    /** Every lost holder is recovered and our record is written: grant. */
    ADMITTED,
    /** A lost holder is not recovered yet: ask again after {@link #nextPoll()}. */
    WITHHELD,
    /** The queue changed under us (a record came or went): evaluate again now. */
    CHANGED
  }

  /**
   * A lost holder as read by this request.
   *
   * @param path its record
   * @param czxid its record's creation
   * @param owner the member name in the record
   * @param heldSince the record's ctime
   * @param sessionEndedAtNanos when this member first saw its session child gone, or null while the
   *     child is there (its node was deleted under a live session)
   */
  private record Lost(
      String path, long czxid, String owner, Instant heldSince, Long sessionEndedAtNanos) {
    /** The {@code lostAtNanos} for the gate: now while the session lives, so no deadline passes. */
    long lostAtNanos(long nowNanos) {
      return sessionEndedAtNanos == null ? nowNanos : sessionEndedAtNanos;
    }
  }

  private final ZkLockService service;
  private final String container;
  private final String resource;
  private final RecoveryGate gate;
  private final String member;
  private final Map<Long, Lost> lost = new HashMap<>();
  private final Set<Long> withheld = new HashSet<>();
  private Duration nextPoll = FIRST_POLL;

  RecoveryCheck(
      ZkLockService service, String container, String resource, RecoveryGate gate, String member) {
    this.service = service;
    this.container = container;
    this.resource = resource;
    this.gate = gate;
    this.member = member;
  }

  /** How long to wait before asking the gate again; doubles up to one second. */
  Duration nextPoll() {
    Duration now = nextPoll;
    nextPoll =
        nextPoll.multipliedBy(2).compareTo(LAST_POLL) > 0 ? LAST_POLL : nextPoll.multipliedBy(2);
    return now;
  }

  /** The path of the record of the lease whose node is {@code node}. */
  String recordPath(String nodeName) {
    return recordPath(LockNode.parse(nodeName).orElseThrow().position());
  }

  private String recordPath(long position) {
    return container + "/" + HolderRecord.name(position);
  }

  /**
   * Acts on a verdict of {@link #admit} or {@link #admitConversion} for a request the queue rules
   * grant: true to grant it now. Withheld, a request that may not wait fails at once ({@code
   * failNow}); any other asks again after {@link #nextPoll()} (its timeout, an interrupt or close
   * withdraw it as for any wait, after which {@code evaluate} finds nothing to do). Changed, it is
   * evaluated again at once. {@code evaluate} posts the evaluation to the lease's steps.
   */
  boolean proceed(Verdict verdict, boolean tryOnce, Runnable failNow, Runnable evaluate) {
    switch (verdict) {
      case ADMITTED -> {
        return true;
      }
      case WITHHELD -> {
        if (tryOnce) {
          failNow.run();
        } else {
          service.timer().later(nextPoll(), evaluate);
        }
        return false;
      }
      default -> {
        evaluate.run();
        return false;
      }
    }
  }

  /**
   * Decides a request that the queue rules grant. Throws a {@link
   * dev.quorate.lock.QuorateException} when ZooKeeper cannot be asked.
   */
  Verdict admit(QueueSnapshot queue, LockNode me) {
    if (queue.hasHolderRecord(me.position())) {
      // Written by an earlier attempt whose reply was lost: the transaction removed the lost ones.
      return Verdict.ADMITTED;
    }
    List<Long> lostNow = queue.lostHolders();
    Verdict asked = ask(lostNow);
    if (asked != null) {
      return asked;
    }
    return write(me, lostNow, false) ? Verdict.ADMITTED : changed();
  }

  /**
   * Decides an up-conversion of our held lease that the queue rules grant: every lost holder must
   * be recovered, as for a new request (a lease held in NL beside a lost EX holder must not convert
   * to EX before the fence). Then the lost records are removed in one transaction that checks our
   * conversion node and our own record.
   */
  Verdict admitConversion(QueueSnapshot queue, LockNode pending) {
    // Our own record is never among the lost: our old node stays in the queue while we convert.
    List<Long> lostNow = queue.lostHolders();
    if (lostNow.isEmpty()) {
      return Verdict.ADMITTED;
    }
    Verdict asked = ask(lostNow);
    if (asked != null) {
      return asked;
    }
    boolean ours = queue.hasHolderRecord(pending.position());
    return write(pending, lostNow, ours) ? Verdict.ADMITTED : changed();
  }

  /** WITHHELD or CHANGED if a lost holder is not recovered or gone; null if all are recovered. */
  private Verdict ask(List<Long> lostNow) {
    for (long position : lostNow) {
      Lost holder = lost.get(position);
      if (holder == null || holder.sessionEndedAtNanos() == null) {
        holder = read(position);
        if (holder == null) {
          lost.remove(position);
          return Verdict.CHANGED; // removed since the listing by a holder admitted before us
        }
        lost.put(position, holder);
      }
      if (!recovered(holder)) {
        if (withheld.add(position)) {
          log.warn(
              "lock '{}' withheld from member {} until its lost holder {} (granted {}{}) is fenced"
                  + " or confirmed down",
              resource,
              member,
              holder.owner(),
              holder.heldSince(),
              holder.sessionEndedAtNanos() == null ? ", node deleted under a live session" : "");
        }
        return Verdict.WITHHELD;
      }
    }
    return null;
  }

  /** Forgets what was read, so the next evaluation reads the records and their children again. */
  private Verdict changed() {
    lost.clear();
    return Verdict.CHANGED;
  }

  private boolean recovered(Lost holder) {
    try {
      if (gate.recovered(
          holder.owner(), holder.heldSince(), holder.lostAtNanos(System.nanoTime()))) {
        log.info(
            "lost holder {} of '{}' is recovered per the gate; granting the lock",
            holder.owner(),
            resource);
        return true;
      }
      return false;
    } catch (RuntimeException e) {
      // Not swallowed: logged each time, and a gate that fails never opens.
      log.warn(
          "recovery gate {} failed for lost holder {} of '{}'; lock withheld",
          gate,
          holder.owner(),
          resource,
          e);
      return false;
    }
  }

  /** Reads a lost holder's record and whether its session child lives; null if it is gone. */
  private Lost read(long position) {
    String path = recordPath(position);
    CuratorFramework client = service.client();
    Stat stat = new Stat();
    byte[] data;
    boolean sessionLives;
    try {
      data = client.getData().storingStatIn(stat).forPath(path);
      sessionLives = client.checkExists().forPath(HolderRecord.sessionPath(path)) != null;
    } catch (KeeperException.NoNodeException e) {
      return null;
    } catch (Exception e) {
      throw ZkNodes.failure("read the holder record " + path, e);
    }
    String owner = new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8);
    Long ended =
        sessionLives
            ? null
            : service.lossSightings().firstSeen(path, stat.getCzxid(), System.nanoTime());
    // ZooKeeper's ctime: the leader's wall clock when the grant was recorded (see docs/fencing.md).
    return new Lost(path, stat.getCzxid(), owner, Instant.ofEpochMilli(stat.getCtime()), ended);
  }

  /**
   * Writes our record (with its session child) unless {@code recorded}, else checks it, and removes
   * the lost ones, only while our node exists: a lease whose record cannot be written is not
   * granted. False if the queue changed (a record already removed by another new holder, a session
   * child gone since it was read, our node gone): the caller evaluates again.
   */
  private boolean write(LockNode me, List<Long> lostNow, boolean recorded) {
    CuratorFramework client = service.client();
    List<ACL> acls = service.acls();
    String mine = recordPath(me.position());
    byte[] data = member.getBytes(StandardCharsets.UTF_8);
    try {
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(client.transactionOp().check().forPath(container + "/" + me.name()));
      if (recorded) {
        ops.add(client.transactionOp().check().forPath(mine));
      } else {
        var create = client.transactionOp().create().withMode(CreateMode.PERSISTENT);
        ops.add(
            acls == null ? create.forPath(mine, data) : create.withACL(acls).forPath(mine, data));
        // Lives as long as this session: tells a later waiter whether our session ended.
        var session = client.transactionOp().create().withMode(CreateMode.EPHEMERAL);
        String child = HolderRecord.sessionPath(mine);
        ops.add(
            acls == null
                ? session.forPath(child, new byte[0])
                : session.withACL(acls).forPath(child, new byte[0]));
      }
      for (long position : lostNow) {
        Lost gone = lost.get(position);
        String path = recordPath(position);
        if (gone == null || gone.sessionEndedAtNanos() == null) {
          ops.add(client.transactionOp().delete().forPath(HolderRecord.sessionPath(path)));
        }
        ops.add(client.transactionOp().delete().forPath(path));
      }
      client.transaction().forOperations(ops);
      for (long position : lostNow) {
        Lost gone = lost.remove(position);
        if (gone != null) {
          service.lossSightings().forget(gone.path(), gone.czxid());
        }
      }
      nextPoll = FIRST_POLL;
      return true;
    } catch (KeeperException.NoNodeException
        | KeeperException.NodeExistsException
        | KeeperException.NotEmptyException e) {
      return false;
    } catch (Exception e) {
      throw ZkNodes.failure("record the grant of " + container + "/" + me.name(), e);
    }
  }
}
