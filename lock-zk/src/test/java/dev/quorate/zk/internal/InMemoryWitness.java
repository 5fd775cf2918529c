package dev.quorate.zk.internal;

import dev.quorate.quorum.MemberId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;

/**
 * One member's view of an in-memory witness {@link Board}: the same nodes, watches and ephemeral
 * ownership as the ZooKeeper witness, with hooks that let a test act between two of the member's
 * reads.
 */
final class InMemoryWitness implements Witness {
  /** The witness's nodes, shared by every member's view. Single-threaded, as the tests are. */
  static final class Board {
    private record Node(byte[] data, long session, long czxid, int version) {}

    private final Map<String, Node> reports = new TreeMap<>();
    private final List<Runnable> watches = new ArrayList<>();
    private Node token;
    private long zxid;
    private long generation;
    private Runnable interleaving = () -> {};
    private boolean interleaved;

    /** Runs before every operation of every member, but never inside itself: other steps. */
    void interleave(Runnable steps) {
      this.interleaving = steps;
    }

    private void beforeOperation() {
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

    void putReport(MemberId member, long session, ArbiterNodes.Stored stored) {
      String path = "report-" + member + "-" + session;
      Node old = reports.get(path);
      reports.put(
          path,
          new Node(
              ArbiterNodes.encode(stored),
              session,
              old == null ? ++zxid : old.czxid,
              old == null ? 0 : old.version + 1));
      changed();
    }

    void putToken(ArbiterNodes.Token token, long session) {
      this.token = new Node(ArbiterNodes.encode(token), session, ++zxid, 0);
      generation++;
      changed();
    }

    Optional<ArbiterNodes.Token> token() {
      return Optional.ofNullable(token).map(t -> ArbiterNodes.decodeToken("/vote", t.data));
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder("token=").append(token().orElse(null));
      reports.forEach(
          (path, node) ->
              text.append("\n  ")
                  .append(path)
                  .append(": ")
                  .append(ArbiterNodes.decodeReport(path, node.data)));
      return text.toString();
    }

    /** The server ends a session: its ephemeral nodes go. */
    void expire(long session) {
      reports.values().removeIf(n -> n.session == session);
      if (token != null && token.session == session) {
        token = null;
      }
      changed();
    }

    private void changed() {
      List<Runnable> fire = List.copyOf(watches);
      watches.clear();
      fire.forEach(Runnable::run);
    }
  }

  private final Board board;
  private final MemberId local;
  private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
  private long session;
  private boolean connected = true;
  private Runnable afterReportsRead;
  private Runnable afterTokenRead;
  private Runnable afterAnnouncedTokenRead;
  private boolean announced;

  InMemoryWitness(Board board, MemberId local, long session) {
    this.board = board;
    this.local = local;
    this.session = session;
  }

  /** Runs once, right after the member's next read of the reports. */
  void afterReportsRead(Runnable hook) {
    this.afterReportsRead = hook;
  }

  /** Runs once, right after the member's next read of the token. */
  void afterTokenRead(Runnable hook) {
    this.afterTokenRead = hook;
  }

  /** Runs once, right after the member's next read of the token once it announced it counts. */
  void afterAnnouncedTokenRead(Runnable hook) {
    this.afterAnnouncedTokenRead = hook;
  }

  /** Tells the member's listeners, as Curator's event thread would. */
  void connection(ConnectionState state) {
    connected = state.isConnected();
    listeners.forEach(l -> l.accept(state));
  }

  /** The client's session expired on the server; the next connection gets a new one. */
  void newSession(long next) {
    board.expire(session);
    session = next;
  }

  @Override
  public boolean isConnected() {
    return connected;
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
  public Map<MemberId, ArbiterNodes.Stored> readReports(Runnable onChange) {
    board.beforeOperation();
    board.watches.add(onChange);
    Map<MemberId, ArbiterNodes.Stored> newest = new HashMap<>();
    Map<MemberId, Long> czxids = new HashMap<>();
    board.reports.forEach(
        (path, node) -> {
          ArbiterNodes.Stored stored = ArbiterNodes.decodeReport(path, node.data);
          MemberId member = stored.report().member();
          if (czxids.getOrDefault(member, -1L) < node.czxid) {
            czxids.put(member, node.czxid);
            newest.put(member, stored);
          }
        });
    runOnce(afterReportsRead, () -> afterReportsRead = null);
    return newest;
  }

  @Override
  public long tokenGeneration() {
    board.beforeOperation();
    return board.generation;
  }

  @Override
  public Optional<TokenRead> readToken(Runnable onChange) {
    board.beforeOperation();
    board.watches.add(onChange);
    Board.Node node = board.token;
    Optional<TokenRead> read =
        node == null
            ? Optional.empty()
            : Optional.of(
                new TokenRead(
                    ArbiterNodes.decodeToken("/vote", node.data),
                    node.session == session,
                    node.version));
    runOnce(afterTokenRead, () -> afterTokenRead = null);
    if (announced) {
      runOnce(afterAnnouncedTokenRead, () -> afterAnnouncedTokenRead = null);
    }
    return read;
  }

  private static void runOnce(Runnable hook, Runnable clear) {
    if (hook != null) {
      clear.run();
      hook.run();
    }
  }

  @Override
  public void writeReport(ArbiterNodes.Stored stored) throws KeeperException {
    board.beforeOperation();
    requireConnected();
    board.putReport(local, session, stored);
    announced = stored.castingVote();
  }

  @Override
  public boolean createToken(ArbiterNodes.Token token, long generation) throws KeeperException {
    board.beforeOperation();
    requireConnected();
    if (board.token != null || board.generation != generation) {
      return false;
    }
    board.generation++;
    board.putToken(token, session);
    return true;
  }

  @Override
  public void deleteToken(int version) throws KeeperException {
    board.beforeOperation();
    requireConnected();
    if (board.token == null) {
      throw new KeeperException.NoNodeException("/vote");
    }
    if (board.token.version != version) {
      throw new KeeperException.BadVersionException("/vote");
    }
    board.token = null;
    board.changed();
  }

  @Override
  public void withdraw() {
    if (!connected) {
      return;
    }
    board.reports.remove("report-" + local + "-" + session);
    if (board.token != null && board.token.session == session) {
      board.token = null;
    }
    board.changed();
  }

  private void requireConnected() throws KeeperException {
    if (!connected) {
      throw new KeeperException.ConnectionLossException();
    }
  }
}
