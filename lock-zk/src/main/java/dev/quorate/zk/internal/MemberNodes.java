package dev.quorate.zk.internal;

import java.util.List;
import java.util.function.Consumer;
import org.apache.curator.framework.state.ConnectionState;

/**
 * The member nodes under the membership's root as one member's session sees them. {@link
 * MembershipSession} keeps the rules (what to register, which nodes count, when to feed); this
 * keeps the I/O, so the rules can be tested step by step against an in-memory store.
 */
interface MemberNodes {
  /**
   * One member node as read.
   *
   * @param record what the member published
   * @param session the session owning the ephemeral node
   * @param czxid when it was created, to tell a member's newest node
   */
  record Node(MemberRecord record, long session, long czxid) {}

  /**
   * The local member's node as registered.
   *
   * @param path its path
   * @param session the session owning it
   */
  record Registration(String path, long session) {}

  /**
   * Tells whether the client is connected now.
   *
   * @return true if connected
   */
  boolean isConnected();

  /**
   * Returns the client's current session.
   *
   * @return the session id, or 0 if the client has none yet
   */
  long session();

  /**
   * Registers a listener for the client's connection changes.
   *
   * @param listener called on each change, on the client's event thread
   */
  void listen(Consumer<ConnectionState> listener);

  /**
   * Unregisters a listener given to {@link #listen}.
   *
   * @param listener the listener
   */
  void unlisten(Consumer<ConnectionState> listener);

  /**
   * Creates (or overwrites) the local member's ephemeral node of the current session.
   *
   * @param record what to publish
   * @return the node's path and owning session
   * @throws Exception if ZooKeeper fails
   */
  Registration register(MemberRecord record) throws Exception;

  /**
   * Returns every member node and watches them and their list; foreign nodes are skipped. A node
   * read before and unchanged since (its watch has not fired) need not be read again.
   *
   * @param onChange called once when a node or the list changes
   * @return the nodes read
   * @throws dev.quorate.lock.QuorateException with {@link
   *     dev.quorate.lock.ErrorCode#CONNECTION_LOSS} if ZooKeeper fails
   * @throws InterruptedException if interrupted
   */
  List<Node> read(Runnable onChange) throws InterruptedException;

  /**
   * Overwrites a node's record without waiting; a failure is logged (the node may be gone).
   *
   * @param path the local member's node
   * @param record the record
   */
  void update(String path, MemberRecord record);

  /**
   * Deletes a node if it exists and the client is connected; a failure is logged (the node is
   * ephemeral and goes with its session).
   *
   * @param path the node
   */
  void delete(String path);
}
