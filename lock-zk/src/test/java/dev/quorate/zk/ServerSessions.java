package dev.quorate.zk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Ends a client's session on the server, as its expiry would: a second handle joins the session
 * with its id and password and closes it, so the server drops the session and its ephemeral nodes
 * at once (curator-test's KillSession expires the client side only).
 */
final class ServerSessions {
  private ServerSessions() {}

  /**
   * Ends {@code victim}'s session.
   *
   * @param connectString the servers
   * @param victim the client whose session ends
   * @return {@link System#nanoTime()} just before the session was closed
   */
  static long expire(String connectString, ZooKeeper victim) throws Exception {
    return expire(connectString, victim.getSessionId(), victim.getSessionPasswd());
  }

  /**
   * Ends the session with this id and password.
   *
   * @param connectString the servers
   * @param session the session id
   * @param password the session password
   * @return {@link System#nanoTime()} just before the session was closed
   */
  static long expire(String connectString, long session, byte[] password) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper intruder =
        new ZooKeeper(
            connectString,
            5000,
            event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            session,
            password);
    try {
      assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
      return System.nanoTime();
    } finally {
      intruder.close();
    }
  }
}
