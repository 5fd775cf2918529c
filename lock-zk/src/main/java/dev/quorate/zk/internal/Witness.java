package dev.quorate.zk.internal;

import dev.quorate.quorum.MemberId;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.state.ConnectionState;

/**
 * The arbiter's nodes on the witness as one member's session sees them: the members' reports and
 * the vote token. {@link ArbiterSession} keeps the hand-over protocol; this keeps the I/O, so the
 * protocol can be tested step by step against an in-memory witness.
 */
interface Witness {
  /**
   * The vote token as read, with what the hand-over needs to know about its node.
   *
   * @param token the partition holding the vote and the member that created the token
   * @param ownedByThisSession whether the reading member's current session created it
   * @param version the node's version, for a conditional delete
   */
  record TokenRead(ArbiterNodes.Token token, boolean ownedByThisSession, int version) {}

  /**
   * Tells whether the witness client is connected now.
   *
   * @return true if connected
   */
  boolean isConnected();

  /**
   * Registers a listener for the witness client's connection changes.
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
   * Reads every member's newest report and watches them and their list.
   *
   * @param onChange called once when a report or the list changes
   * @return the newest report of each member
   * @throws Exception if the witness fails
   */
  Map<MemberId, ArbiterNodes.Stored> readReports(Runnable onChange) throws Exception;

  /**
   * Reads how many vote tokens were ever created. Read it before the token: a token created after
   * this read makes {@link #createToken} with this generation fail.
   *
   * @return the generation
   * @throws Exception if the witness fails
   */
  long tokenGeneration() throws Exception;

  /**
   * Reads the vote token and watches it.
   *
   * @param onChange called once when the token is created, changed or deleted
   * @return the token, or empty if there is none
   * @throws Exception if the witness fails
   */
  Optional<TokenRead> readToken(Runnable onChange) throws Exception;

  /**
   * Writes the local member's report in an ephemeral node of the current session.
   *
   * @param stored the report and whether the member counts the vote
   * @throws Exception if the witness fails; the stored report may then be the old one
   */
  void writeReport(ArbiterNodes.Stored stored) throws Exception;

  /**
   * Creates the vote token in an ephemeral node of the current session, atomically with moving the
   * generation on, if there is none and none was created since the generation was read.
   *
   * @param token the token
   * @param generation the generation read before the read that found no token
   * @return false if a token exists, or one was created (and maybe gone again) since
   * @throws Exception if the witness fails
   */
  boolean createToken(ArbiterNodes.Token token, long generation) throws Exception;

  /**
   * Deletes the vote token if it still has this version.
   *
   * @param version the version read
   * @throws Exception if the witness fails
   */
  void deleteToken(int version) throws Exception;

  /**
   * Deletes the local member's report and any token its current session holds; waits for the
   * witness. Failures are logged: the nodes go with the session anyway.
   */
  void withdraw();
}
