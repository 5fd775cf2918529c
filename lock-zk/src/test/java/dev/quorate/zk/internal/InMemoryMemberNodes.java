package dev.quorate.zk.internal;

import dev.quorate.quorum.MemberId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;

/**
 * Member nodes in memory, as one member's session sees them, with ephemeral ownership, watches, and
 * hooks that let a test act in the middle of the member's registration or read. Single-threaded, as
 * the tests are.
 */
final class InMemoryMemberNodes implements MemberNodes {
  private record Stored(MemberRecord record, long session, long czxid) {}

  private final MemberId local;
  private final Map<String, Stored> nodes = new TreeMap<>();
  private final List<Runnable> watches = new ArrayList<>();
  private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
  private long zxid;
  private long session;
  private boolean connected = true;
  private Runnable afterRegister;
  private Runnable afterRead;
  private Runnable interleaving = () -> {};
  private boolean interleaved;

  InMemoryMemberNodes(MemberId local, long session) {
    this.local = local;
    this.session = session;
  }

  /** Another member's node, as its own session would write it. */
  void put(MemberRecord record, long owner) {
    String path = "member-" + record.member().id() + "-" + owner;
    Stored old = nodes.get(path);
    nodes.put(path, new Stored(record, owner, old == null ? ++zxid : old.czxid));
    changed();
  }

  /** The server ends a session: its ephemeral nodes go. */
  void expire(long owner) {
    nodes.values().removeIf(n -> n.session == owner);
    changed();
  }

  /** The local member's node of its current session, if any. */
  Optional<MemberRecord> own() {
    return Optional.ofNullable(nodes.get("member-" + local + "-" + session)).map(Stored::record);
  }

  /** An operator deletes the local member's node while its session lives. */
  void expireOwnNodeByHand() {
    if (nodes.remove("member-" + local + "-" + session) != null) {
      changed();
    }
  }

  /** Whether any node of the local member exists, of any session. */
  boolean anyOwn() {
    return nodes.keySet().stream().anyMatch(p -> p.startsWith("member-" + local + "-"));
  }

  /**
   * Runs around every registration and read (never inside itself): other steps, as other threads
   * would take them while the member waits for the server.
   */
  void interleave(Runnable steps) {
    this.interleaving = steps;
  }

  private void aroundOperation() {
    if (interleaved) {
      return;
    }
    interleaved = true;
    try {
      interleaving.run();
    } finally {
      interleaved = false;
    }
  }

  /** Runs once, right after the member's next registration is stored. */
  void afterRegister(Runnable hook) {
    this.afterRegister = hook;
  }

  /** Runs once, right after the member's next read. */
  void afterRead(Runnable hook) {
    this.afterRead = hook;
  }

  /** Tells the member's listeners, as Curator's event thread would. */
  void connection(ConnectionState state) {
    connected = state.isConnected();
    listeners.forEach(l -> l.accept(state));
  }

  /** The client's session expired on the server; it connects again with a new one. */
  void newSession(long next) {
    expire(session);
    session = next;
  }

  private void changed() {
    List<Runnable> fire = List.copyOf(watches);
    watches.clear();
    fire.forEach(Runnable::run);
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public long session() {
    return session;
  }

  @Override
  public void listen(Consumer<ConnectionState> listener) {
    listeners.add(listener);
  }

  @Override
  public void unlisten(Consumer<ConnectionState> listener) {
    listeners.remove(listener);
  }

  @Override
  public Registration register(MemberRecord record) throws KeeperException, InterruptedException {
    aroundOperation();
    if (!connected) {
      throw new KeeperException.ConnectionLossException();
    }
    put(record, session);
    Registration registration = new Registration("member-" + local + "-" + session, session);
    Runnable hook = afterRegister;
    afterRegister = null;
    if (hook != null) {
      hook.run();
    }
    if (Thread.interrupted()) {
      // As Curator's wait for the reply: the node exists on the server, the caller never learns.
      throw new InterruptedException("interrupted while waiting for the create's reply");
    }
    aroundOperation();
    return registration;
  }

  @Override
  public List<Node> read(Runnable onChange) {
    aroundOperation();
    if (!connected) {
      throw new dev.quorate.lock.QuorateException(
          dev.quorate.lock.ErrorCode.CONNECTION_LOSS, "in-memory nodes: not connected");
    }
    watches.add(onChange);
    List<Node> read =
        nodes.values().stream().map(n -> new Node(n.record, n.session, n.czxid)).toList();
    Runnable hook = afterRead;
    afterRead = null;
    if (hook != null) {
      hook.run();
    }
    aroundOperation();
    return read;
  }

  @Override
  public void update(String path, MemberRecord record) {
    Stored old = nodes.get(path);
    if (connected && old != null) {
      nodes.put(path, new Stored(record, old.session, old.czxid));
      changed();
    }
  }

  @Override
  public void delete(String path) {
    if (connected && nodes.remove(path) != null) {
      changed();
    }
  }
}
