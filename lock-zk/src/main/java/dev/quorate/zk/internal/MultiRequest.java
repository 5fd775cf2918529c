package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import dev.quorate.lock.LockTimeoutException;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.Requests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.OperationType;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All-or-nothing requests on several resources: one lock node per resource, all created in one
 * ZooKeeper {@code multi()}, so every queue holds all of them or none. Because one transaction
 * makes them, every other request on any of these resources is either older than all of them or
 * newer than all of them; two callers asking for overlapping sets in different orders therefore
 * wait in the same order on every resource, and cannot deadlock. Each node then waits and is
 * granted like a single request; the caller gets the leases only once all are granted, and on a
 * timeout, a failure or an interrupt every node is withdrawn and every lease already granted is
 * released.
 *
 * <p>The transaction is not retried blindly (a retry after a lost reply could queue a second set):
 * every name carries a UUID, and a set found twice is cut back to the one the reply named.
 */
final class MultiRequest {
  private static final Logger log = LoggerFactory.getLogger(MultiRequest.class);
  private static final int ATTEMPTS = 5;

  private final ZkLockService service;
  private final CuratorFramework client;
  private final List<String> resources;
  private final LockMode mode;

  MultiRequest(ZkLockService service, List<String> resources, LockMode mode) {
    this.service = service;
    this.client = service.client();
    this.resources = List.copyOf(resources);
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  /** Checks the resource list: not empty, no resource twice. */
  static List<String> distinct(List<String> resources) {
    Objects.requireNonNull(resources, "resources");
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("resources must not be empty");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String resource : resources) {
      if (!seen.add(Objects.requireNonNull(resource, "resource"))) {
        throw new IllegalArgumentException("resource '" + resource + "' is named twice");
      }
    }
    return List.copyOf(seen);
  }

  /** Queues all nodes at once and waits until all are granted, at most {@code timeout}. */
  List<Lease> acquire(Duration timeout) throws InterruptedException {
    List<ZkLease> leases = new ArrayList<>();
    for (String resource : resources) {
      leases.add(new ZkLease(service, resource, mode, LockOptions.defaults(), false, false));
    }
    leases.forEach(service::track);
    boolean done = false;
    try {
      List<ZkNodes.Queued> queued = create();
      for (int i = 0; i < leases.size(); i++) {
        leases.get(i).startCreated(queued.get(i));
      }
      CompletableFuture<?>[] grants =
          leases.stream().map(ZkLease::granted).toArray(CompletableFuture[]::new);
      await(CompletableFuture.allOf(grants), timeout);
      done = true;
      return List.copyOf(leases);
    } finally {
      if (!done) {
        leases.forEach(ZkLease::withdraw);
      }
    }
  }

  private void await(CompletableFuture<Void> all, Duration timeout) throws InterruptedException {
    try {
      long nanos = Requests.saturatedNanos(timeout);
      if (nanos == Long.MAX_VALUE) {
        all.get();
      } else {
        all.get(nanos, TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      throw new LockTimeoutException(String.join(",", resources), mode, timeout);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new QuorateException(ErrorCode.INTERNAL, "lock request failed: " + e.getCause(), e);
    }
  }

  /** Creates one node per resource in one transaction and reads the queues right behind it. */
  private List<ZkNodes.Queued> create() {
    String protection = "_c_" + UUID.randomUUID() + "-";
    for (int attempt = 1; ; attempt++) {
      long session = service.currentSession();
      List<CuratorTransactionResult> results;
      try {
        results = client.transaction().forOperations(operations(protection));
      } catch (KeeperException.NoNodeException e) {
        if (attempt == ATTEMPTS) {
          throw ZkNodes.failure("queue requests on " + resources, e);
        }
        makeContainers();
        continue;
      } catch (Exception e) {
        QuorateException failure = ZkNodes.failure("queue requests on " + resources, e);
        if (failure.code() == ErrorCode.CONNECTION_LOSS) {
          sweepLater(protection);
        }
        throw failure;
      }
      List<String> paths = new ArrayList<>();
      for (CuratorTransactionResult result : results) {
        if (result.getType() == OperationType.CREATE) {
          paths.add(result.getResultPath());
        }
      }
      try {
        return read(paths, protection, session);
      } catch (RuntimeException e) {
        paths.forEach(service.nodes()::deleteInBackground);
        throw e;
      }
    }
  }

  /**
   * The transaction's reply was lost: it may have committed. Once the client is connected again,
   * delete whatever it created, so that a set nobody waits for does not block others until the
   * session ends.
   */
  private void sweepLater(String protection) {
    service
        .pool()
        .execute(
            () -> {
              try {
                if (!client.blockUntilConnected(
                    (int) service.operationTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                  return; // the session will end, and its nodes with it
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              ZkNodes nodes = service.nodes();
              resources.forEach(
                  resource ->
                      nodes.deleteChildrenInBackground(service.container(resource), protection));
            });
  }

  private List<CuratorOp> operations(String protection) throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    for (String resource : resources) {
      String path = service.container(resource) + "/" + protection + LockNode.requestPrefix(mode);
      var create = client.transactionOp().create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL);
      ops.add(
          service.acls() == null
              ? create.forPath(path, service.owner())
              : create.withACL(service.acls()).forPath(path, service.owner()));
    }
    return ops;
  }

  private void makeContainers() {
    for (String resource : resources) {
      try {
        client.createContainers(service.container(resource));
      } catch (Exception e) {
        throw ZkNodes.failure("create the container of " + resource, e);
      }
    }
  }

  /**
   * Lists every queue and reads every value block, pipelined (one round trip), and the czxid that
   * all nodes of the transaction share. Drops a set a retried transaction may have left behind.
   */
  private List<ZkNodes.Queued> read(List<String> paths, String protection, long session) {
    ZkNodes nodes = service.nodes();
    List<ZkReads.Pipelined> reads = new ArrayList<>();
    for (String resource : resources) {
      reads.add(nodes.reads().queueAndValue(service.container(resource)));
    }
    Stat stat = nodes.reads().stat(paths.get(0));
    if (stat == null || stat.getEphemeralOwner() != session) {
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS, "ZooKeeper session changed while queueing on " + resources);
    }
    List<ZkNodes.Queued> queued = new ArrayList<>();
    Set<String> ours = new HashSet<>(paths);
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      String name = path.substring(path.lastIndexOf('/') + 1);
      ZkReads.Pipelined read = reads.get(i);
      QueueSnapshot queue = read.queue();
      for (LockNode node : queue.nodes()) {
        String other = service.container(resources.get(i)) + "/" + node.name();
        if (node.name().startsWith(protection) && !ours.contains(other)) {
          log.debug("dropping {}: left by a transaction whose reply was lost", other);
          nodes.deleteInBackground(other);
        }
      }
      ZkNodes.Created created =
          new ZkNodes.Created(path, stat.getCzxid(), stat.getEphemeralOwner());
      queued.add(new ZkNodes.Queued(created, queue.find(name).isPresent() ? read : null));
    }
    return queued;
  }
}
