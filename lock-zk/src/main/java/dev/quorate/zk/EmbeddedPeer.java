package dev.quorate.zk;

import dev.quorate.zk.internal.EmbeddedPeerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ZooKeeper peer a member of a distributed lock manager (DLM) runs in its own JVM. Every member
 * lists the same ensemble; together the peers are the lock service, so no separate servers are
 * needed, and locking goes on while a majority of members runs.
 *
 * <p>Life cycle: {@link #start} joins the ensemble (the first time, or again after {@link #stop},
 * with the data kept in the data directory); {@link #stop} leaves it. A peer alone serves nothing:
 * the ensemble serves once a majority has started.
 *
 * <pre>{@code
 * List<PeerAddress> members = List.of(
 *     new PeerAddress(1, "node-a", 2181, 2888, 3888),
 *     new PeerAddress(2, "node-b", 2181, 2888, 3888),
 *     new PeerAddress(3, "node-c", 2181, 2888, 3888));
 * EmbeddedPeer peer = EmbeddedPeer.builder()
 *     .self(2).members(members).dataDir(Path.of("/var/lib/app/zk")).build();
 * peer.start(Duration.ofSeconds(30));
 * ZkLockManager manager = ZkLockManager.builder().peer(peer).build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class EmbeddedPeer implements AutoCloseable {
  private final PeerAddress self;
  private final List<PeerAddress> members;
  private final EmbeddedPeerProcess process;

  private EmbeddedPeer(Builder builder, PeerAddress self) {
    this.self = self;
    this.members = List.copyOf(builder.members);
    this.process =
        new EmbeddedPeerProcess(self.id(), builder.dataDir, properties(builder, members, self));
  }

  private static Map<String, String> properties(
      Builder builder, List<PeerAddress> members, PeerAddress self) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("tickTime", Long.toString(builder.tickTime.toMillis()));
    config.put("initLimit", "10");
    config.put("syncLimit", "5");
    config.put("clientPort", Integer.toString(self.clientPort()));
    config.put("admin.enableServer", "false");
    for (PeerAddress member : members) {
      config.put(
          "server." + member.id(),
          member.host() + ":" + member.quorumPort() + ":" + member.electionPort());
    }
    config.putAll(builder.properties);
    return config;
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns this member's address.
   *
   * @return the address
   */
  public PeerAddress address() {
    return self;
  }

  /**
   * Returns every member of the ensemble, this one included.
   *
   * @return the members
   */
  public List<PeerAddress> ensemble() {
    return members;
  }

  /**
   * Returns the client addresses of every member, for a lock manager that should survive the loss
   * of this member's peer.
   *
   * @return {@code host:port,...}
   */
  public String ensembleConnectString() {
    return String.join(",", members.stream().map(PeerAddress::clientAddress).toList());
  }

  /**
   * Says whether the peer runs.
   *
   * @return true between {@link #start} and {@link #stop}
   */
  public boolean isRunning() {
    return process.isRunning();
  }

  /**
   * Starts the peer, joining (or rejoining) the ensemble. Returns once the peer runs; it serves
   * clients once a majority of members runs. Does nothing if already running.
   *
   * @param timeout how long the start may take
   * @throws InterruptedException if interrupted
   * @throws dev.quorate.lock.QuorateException with {@link dev.quorate.lock.ErrorCode#IO_FAILURE} if
   *     the peer cannot start (a port in use, an unwritable data directory)
   */
  public void start(Duration timeout) throws InterruptedException {
    process.start(timeout);
  }

  /** Stops the peer; its data stays for a later {@link #start}. Idempotent. */
  public void stop() {
    process.stop();
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "EmbeddedPeer["
        + self.id()
        + " of "
        + members.size()
        + ", "
        + self.clientAddress()
        + "]";
  }

  /** Builds an {@link EmbeddedPeer}. Not thread-safe. */
  public static final class Builder {
    private int self;
    private final List<PeerAddress> members = new ArrayList<>();
    private Path dataDir;
    private Duration tickTime = Duration.ofSeconds(2);
    private final Map<String, String> properties = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Says which member this is.
     *
     * @param id the server id of this member
     * @return this builder
     */
    public Builder self(int id) {
      this.self = id;
      return this;
    }

    /**
     * Sets the members of the ensemble, this one included.
     *
     * @param members 3 or 5 addresses with distinct ids
     * @return this builder
     */
    public Builder members(List<PeerAddress> members) {
      this.members.clear();
      this.members.addAll(members);
      return this;
    }

    /**
     * Sets the directory of the peer's snapshots and logs; it survives restarts.
     *
     * @param dataDir a directory, created if missing
     * @return this builder
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /**
     * Sets ZooKeeper's tick: session timeouts are bounded to 2 to 20 ticks.
     *
     * @param tickTime positive, default 2 s
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder tickTime(Duration tickTime) {
      if (tickTime.isNegative() || tickTime.isZero()) {
        throw new IllegalArgumentException("tickTime must be positive, got " + tickTime);
      }
      this.tickTime = tickTime;
      return this;
    }

    /**
     * Sets one more ZooKeeper server property, as in {@code zoo.cfg}. Beware: keys ZooKeeper does
     * not know become JVM-wide {@code zookeeper.*} system properties.
     *
     * @param key the property
     * @param value its value
     * @return this builder
     */
    public Builder property(String key, String value) {
      properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Builds the peer, not yet started.
     *
     * @return the peer
     * @throws dev.quorate.lock.ConfigurationException if the ensemble is not 3 or 5 members with
     *     distinct ids including {@code self}, or no data directory was given
     */
    public EmbeddedPeer build() {
      if (members.size() != 3 && members.size() != 5) {
        throw new dev.quorate.lock.ConfigurationException(
            "a distributed lock manager needs 3 or 5 members, got " + members.size());
      }
      if (members.stream().map(PeerAddress::id).distinct().count() != members.size()) {
        throw new dev.quorate.lock.ConfigurationException(
            "member ids must be distinct, got " + members);
      }
      PeerAddress me =
          members.stream()
              .filter(m -> m.id() == self)
              .findFirst()
              .orElseThrow(
                  () ->
                      new dev.quorate.lock.ConfigurationException(
                          "self id " + self + " is not among the members " + members));
      if (dataDir == null) {
        throw new dev.quorate.lock.ConfigurationException("dataDir is required");
      }
      return new EmbeddedPeer(this, me);
    }
  }
}
