package dev.quorate.zk.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.LockInspection;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.Revocation;
import dev.quorate.lock.spi.Revocations;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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
 * Inspection and administrative revocation on ZooKeeper. A revocation deletes every node of the
 * revoked lease and records itself in one transaction, so it is recorded exactly when it happened;
 * the holder's {@link LeaseWatch} sees its own node deleted and turns the lease LOST, and the next
 * grant's node has a greater {@code czxid}: a greater token. A lease is found by the token its
 * holder reports: its node's {@code czxid}, or the token a down-conversion kept ({@link
 * LockNodeData}); a token an up-conversion superseded is refused naming the current one. Records
 * live under {@code <root>/.revocations/<resource>} (a dot never appears in an encoded resource
 * name), the last {@link Revocations#KEPT} per resource.
 */
final class ZkRevocations {
  private static final Logger log = LoggerFactory.getLogger(ZkRevocations.class);
  private static final String RECORDS = ".revocations";
  private static final String RECORD_PREFIX = "r-";

  private final CuratorFramework client;
  private final ResourcePaths paths;
  private final List<ACL> acls;

  ZkRevocations(CuratorFramework client, ResourcePaths paths, List<ACL> acls) {
    this.client = client;
    this.paths = paths;
    this.acls = acls;
  }

  /**
   * One lock node as read: its parsed name, its data, the token (major) its lease reports (its
   * czxid, or the token a down-conversion kept) and its creation.
   */
  private record Seen(LockNode node, LockNodeData data, long token, Instant created) {
    String owner() {
      return data.owner();
    }
  }

  LockInspection inspect(String resource) {
    List<Seen> nodes = read(resource);
    QueueSnapshot snapshot = new QueueSnapshot(nodes.stream().map(s -> s.node().name()).toList());
    Set<Long> convertedPositions = new HashSet<>();
    for (Seen s : nodes) {
      if (s.node().isConversion() && snapshot.blockers(s.node()).isEmpty()) {
        convertedPositions.add(s.node().position());
      }
    }
    List<LockInspection.Holder> holders = new ArrayList<>();
    List<LockInspection.Waiter> queue = new ArrayList<>();
    for (Seen s : nodes) {
      boolean granted = snapshot.blockers(s.node()).isEmpty();
      if (granted && !s.node().isConversion() && convertedPositions.contains(s.node().position())) {
        continue; // its lease now holds through its granted conversion node
      }
      if (granted) {
        holders.add(
            new LockInspection.Holder(
                s.owner(), s.node().mode(), FencingToken.of(s.token()), s.created()));
      } else {
        queue.add(new LockInspection.Waiter(s.owner(), s.node().mode(), s.created()));
      }
    }
    return new LockInspection(resource, holders, queue, history(resource));
  }

  Revocation revoke(String resource, FencingToken token, String requestedBy, String reason) {
    List<Seen> nodes = read(resource);
    QueueSnapshot snapshot = new QueueSnapshot(nodes.stream().map(s -> s.node().name()).toList());
    // A cohort's local leases share their member's node: its token is their token's major part.
    Optional<Seen> target =
        nodes.stream()
            .filter(s -> s.token() == token.major() && snapshot.blockers(s.node()).isEmpty())
            .findFirst();
    if (target.isEmpty()) {
      throw nothingToRevoke(resource, token, nodes, snapshot);
    }
    Revocation revocation =
        new Revocation(resource, token, target.get().owner(), requestedBy, reason, Instant.now());
    String records = recordsPath(resource);
    String container = paths.container(resource);
    try {
      client.createContainers(records);
      List<CuratorOp> ops = new ArrayList<>();
      for (Seen s : nodes) {
        if (s.node().position() == target.get().node().position()) {
          ops.add(client.transactionOp().delete().forPath(container + "/" + s.node().name()));
        }
      }
      ops.add(
          client
              .transactionOp()
              .create()
              .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
              .withACL(acls)
              .forPath(records + "/" + RECORD_PREFIX, encode(revocation)));
      client.transaction().forOperations(ops);
    } catch (KeeperException.NoNodeException goneMeanwhile) {
      // Released (or lost) between the read and the transaction: nothing deleted, nothing recorded.
      throw nothingToRevoke(resource, token, read(resource), null);
    } catch (Exception e) {
      throw ZkNodes.failure("revoke token " + token + " on '" + resource + "'", e);
    }
    trim(records);
    return revocation;
  }

  private RuntimeException nothingToRevoke(
      String resource, FencingToken token, List<Seen> nodes, QueueSnapshot known) {
    QueueSnapshot snapshot =
        known != null
            ? known
            : new QueueSnapshot(nodes.stream().map(s -> s.node().name()).toList());
    List<FencingToken> held =
        nodes.stream()
            .filter(s -> snapshot.blockers(s.node()).isEmpty())
            .map(s -> FencingToken.of(s.token()))
            .toList();
    Optional<Seen> successor =
        nodes.stream()
            .filter(s -> s.data().supersedes() == token.major())
            .filter(s -> snapshot.blockers(s.node()).isEmpty())
            .findFirst();
    if (successor.isPresent()) {
      return Revocations.superseded(
          resource, token, FencingToken.of(successor.get().token()), successor.get().node().mode());
    }
    return Revocations.nothingToRevoke(resource, token, held);
  }

  /** The lock nodes of {@code resource} in sequence order; nodes gone while reading are skipped. */
  private List<Seen> read(String resource) {
    String container = paths.container(resource);
    List<Seen> seen = new ArrayList<>();
    try {
      List<String> children;
      try {
        children = client.getChildren().forPath(container);
      } catch (KeeperException.NoNodeException neverLocked) {
        return seen;
      }
      for (LockNode node : new QueueSnapshot(children).nodes()) {
        Stat stat = new Stat();
        try {
          String path = container + "/" + node.name();
          LockNodeData data =
              LockNodeData.parse(path, client.getData().storingStatIn(stat).forPath(path));
          seen.add(
              new Seen(
                  node,
                  data,
                  data.leaseToken(stat.getCzxid()),
                  Instant.ofEpochMilli(stat.getCtime())));
        } catch (KeeperException.NoNodeException released) {
          // Gone since the listing: not a holder or waiter any more.
        }
      }
    } catch (QuorateException e) {
      throw e; // a corrupt node, named
    } catch (Exception e) {
      throw ZkNodes.failure("read the lock queue of '" + resource + "'", e);
    }
    return seen;
  }

  private List<Revocation> history(String resource) {
    String records = recordsPath(resource);
    List<Revocation> found = new ArrayList<>();
    try {
      List<String> names;
      try {
        names = new ArrayList<>(client.getChildren().forPath(records));
      } catch (KeeperException.NoNodeException none) {
        return found;
      }
      names.sort(null); // sequence suffixes are zero-padded: name order is record order
      for (String name : names) {
        try {
          found.add(decode(resource, client.getData().forPath(records + "/" + name)));
        } catch (KeeperException.NoNodeException trimmed) {
          // Dropped as too old while reading.
        }
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw ZkNodes.failure("read the revocations of '" + resource + "'", e);
    }
    return found;
  }

  /**
   * Drops the oldest records beyond {@link Revocations#KEPT}; another trimmer may race us. The
   * revocation is done and recorded by now: a failure here only leaves old records for the next
   * revocation's trim, so it is logged, not thrown.
   */
  private void trim(String records) {
    try {
      List<String> names = new ArrayList<>(client.getChildren().forPath(records));
      names.sort(null);
      for (String name : names.subList(0, Math.max(0, names.size() - Revocations.KEPT))) {
        try {
          client.delete().forPath(records + "/" + name);
        } catch (KeeperException.NoNodeException trimmedByAnother) {
          // Fine: someone else dropped it.
        }
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("could not trim the revocation records under {}: {}", records, e.toString());
    }
  }

  private String recordsPath(String resource) {
    return paths.root() + "/" + RECORDS + "/" + ResourcePaths.encode(resource);
  }

  /** Lines: token, holder, requester, epoch millis, then the reason (which may span lines). */
  private static byte[] encode(Revocation r) {
    String text =
        r.token()
            + "\n"
            + oneLine(r.holder())
            + "\n"
            + oneLine(r.requestedBy())
            + "\n"
            + r.at().toEpochMilli()
            + "\n"
            + r.reason();
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ');
  }

  private static Revocation decode(String resource, byte[] data) {
    String[] parts = new String(data, StandardCharsets.UTF_8).split("\n", 5);
    if (parts.length != 5) {
      throw new dev.quorate.lock.QuorateException(
          dev.quorate.lock.ErrorCode.CORRUPT_DATA,
          "revocation record of '" + resource + "' has " + parts.length + " of 5 fields");
    }
    return new Revocation(
        resource,
        FencingToken.parse(parts[0]),
        parts[1],
        parts[2],
        parts[4],
        Instant.ofEpochMilli(Long.parseLong(parts[3])));
  }
}
