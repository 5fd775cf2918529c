package dev.quorate.zk.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The grant rules, as a pure function of one {@code getChildren} answer. Every client evaluates the
 * same rules on the same list, so they agree on who holds what without talking to each other.
 *
 * <p>A lease is the set of nodes sharing a {@link LockNode#position()}: its first node, and while
 * it converts, the conversion node. The rules depend only on nodes created earlier (lower
 * sequence), whose modes never change, so a node's answer can only go from "wait" to "granted":
 *
 * <ul>
 *   <li>A request is granted when it is compatible with every earlier node, and with every
 *       conversion of a lease that queued before it (a conversion keeps its lease's place).
 *   <li>A conversion is granted when it is compatible with every earlier node of other leases,
 *       except waiting requests blocked by this lease that wait on nothing else but such requests:
 *       those check the conversion themselves, so conversions go ahead of them as in the VMS DLM.
 *       It also checks newer nodes that are already the only node of their lease: a down-conversion
 *       is granted without waiting, so it cannot be trusted to respect us.
 * </ul>
 */
final class QueueSnapshot {
  private final List<LockNode> nodes;
  private final List<Long> holderRecords;

  QueueSnapshot(Collection<String> children) {
    List<LockNode> parsed = new ArrayList<>();
    List<Long> records = new ArrayList<>();
    for (String child : children) {
      LockNode.parse(child).ifPresent(parsed::add);
      HolderRecord.parsePosition(child).ifPresent(records::add);
    }
    parsed.sort(Comparator.comparingLong(LockNode::seq));
    records.sort(Comparator.naturalOrder());
    this.nodes = List.copyOf(parsed);
    this.holderRecords = List.copyOf(records);
  }

  List<LockNode> nodes() {
    return nodes;
  }

  /**
   * Positions of the holder records of leases that were granted under a recovery gate and whose
   * nodes are all gone: holders lost without a clean release (which deletes node and record in one
   * transaction). A record is written only once a grant is decided, so a request that was never
   * granted leaves none.
   */
  List<Long> lostHolders() {
    List<Long> lost = new ArrayList<>();
    for (long position : holderRecords) {
      if (nodes.stream().noneMatch(n -> n.position() == position)) {
        lost.add(position);
      }
    }
    return lost;
  }

  /** Says whether the lease at {@code position} has its holder record already. */
  boolean hasHolderRecord(long position) {
    return holderRecords.contains(position);
  }

  Optional<LockNode> find(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** The nodes that keep {@code node} waiting, nearest (highest sequence) last; empty = granted. */
  List<LockNode> blockers(LockNode node) {
    if (node.isConversion() && isOnlyNodeOfItsLease(node)) {
      return List.of(); // its lease's old node is gone: the conversion was granted
    }
    return node.isConversion() ? conversionBlockers(node) : requestBlockers(node);
  }

  private List<LockNode> requestBlockers(LockNode request) {
    List<LockNode> result = new ArrayList<>();
    for (LockNode other : nodes) {
      if (other.position() == request.position() || other.mode().compatibleWith(request.mode())) {
        continue;
      }
      if (other.seq() < request.seq() || conversionGoesAhead(other, request)) {
        result.add(other);
      }
    }
    result.sort(Comparator.comparingLong(LockNode::seq));
    return result;
  }

  /**
   * Says whether {@code conversion}, created after {@code request}, still goes ahead of it: when it
   * is granted (its lease's older node is gone, so every request it passed respects it), or when it
   * is pending and ignores the request (the request waits only on the converting lease). A request
   * granted before the conversion appeared is never in that set, so its answer never changes.
   */
  private boolean conversionGoesAhead(LockNode conversion, LockNode request) {
    if (!conversion.isConversion() || conversion.position() >= request.seq()) {
      return false;
    }
    boolean pending =
        nodes.stream()
            .anyMatch(n -> n.position() == conversion.position() && n.seq() < conversion.seq());
    return !pending
        || requestsWaitingOnlyOn(conversion.position(), conversion.seq()).contains(request.seq());
  }

  private List<LockNode> conversionBlockers(LockNode conversion) {
    Set<Long> waitingOnUs = requestsWaitingOnlyOn(conversion.position(), conversion.seq());
    List<LockNode> result = new ArrayList<>();
    for (LockNode other : nodes) {
      if (other.position() == conversion.position()
          || other.mode().compatibleWith(conversion.mode())) {
        continue;
      }
      boolean earlier = other.seq() < conversion.seq() && !waitingOnUs.contains(other.seq());
      // A newer node that is already its lease's only node was granted without waiting for us:
      // a down-conversion. (A granted up-conversion waited for us, so it is compatible anyway.)
      boolean heldByNewerNode = other.seq() > conversion.seq() && isOnlyNodeOfItsLease(other);
      if (earlier || heldByNewerNode) {
        result.add(other);
      }
    }
    return result;
  }

  private boolean isOnlyNodeOfItsLease(LockNode node) {
    return node.isConversion()
        && nodes.stream().noneMatch(n -> n.position() == node.position() && n.seq() < node.seq());
  }

  /**
   * Sequences of plain requests created before {@code before} that the conversion of the lease at
   * {@code position} goes ahead of: each is blocked by a node of that lease itself, and otherwise
   * only by requests already in the set (judged by earlier nodes alone). Membership never flips
   * back while the lease's old node exists: the direct block by that node stays, and other blockers
   * only leave. A request that waits only behind other waiters but not on the lease is left out on
   * purpose: should those waiters leave, it would be granted beside the converted lease.
   */
  private Set<Long> requestsWaitingOnlyOn(long position, long before) {
    Set<Long> result = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      LockNode n = nodes.get(i);
      if (n.seq() >= before) {
        break;
      }
      if (n.isConversion() || n.position() == position || hasConversion(n.position())) {
        continue;
      }
      boolean blockedByUs = false;
      boolean onlyByUs = true;
      for (int j = 0; j < i; j++) {
        LockNode earlier = nodes.get(j);
        if (!earlier.mode().compatibleWith(n.mode())) {
          if (earlier.position() == position) {
            blockedByUs = true;
          } else if (!result.contains(earlier.seq())) {
            onlyByUs = false;
          }
        }
      }
      if (blockedByUs && onlyByUs) {
        result.add(n.seq());
      }
    }
    return result;
  }

  private boolean hasConversion(long position) {
    return nodes.stream().anyMatch(n -> n.position() == position && n.isConversion());
  }

  /**
   * Says whether {@code conversion} closes a cycle of waits and is the newest conversion in it, so
   * that of several conversions caught in one cycle exactly one gives up.
   */
  boolean deadlocks(LockNode conversion) {
    ArrayDeque<Long> stack = new ArrayDeque<>();
    Set<Long> visited = new HashSet<>();
    stack.push(conversion.position());
    long newest = conversion.seq();
    boolean cycle = false;
    while (!stack.isEmpty()) {
      long lease = stack.pop();
      for (LockNode waiting : waitingNodesOf(lease)) {
        if (waiting.isConversion()) {
          newest = Math.max(newest, waiting.seq());
        }
        for (LockNode blocker : blockers(waiting)) {
          if (blocker.position() == conversion.position()) {
            cycle = true;
          } else if (visited.add(blocker.position())) {
            stack.push(blocker.position());
          }
        }
      }
    }
    return cycle && newest == conversion.seq();
  }

  /** Nodes of the lease at {@code position} that wait: a pending conversion or a new request. */
  private List<LockNode> waitingNodesOf(long position) {
    List<LockNode> own = nodes.stream().filter(n -> n.position() == position).toList();
    List<LockNode> result = new ArrayList<>();
    for (LockNode n : own) {
      boolean pendingConversion = n.isConversion() && n != own.get(0);
      boolean waitingRequest = !n.isConversion() && own.size() == 1;
      if ((pendingConversion || waitingRequest) && !blockers(n).isEmpty()) {
        result.add(n);
      }
    }
    return result;
  }

  /** Waiting nodes of other leases that {@code held} (a granted node) keeps waiting. */
  List<LockNode> waitersBlockedBy(LockNode held) {
    List<LockNode> result = new ArrayList<>();
    for (LockNode n : nodes) {
      if (n.position() == held.position()) {
        continue;
      }
      if (blockers(n).stream().anyMatch(b -> b.position() == held.position())) {
        result.add(n);
      }
    }
    return result;
  }
}
