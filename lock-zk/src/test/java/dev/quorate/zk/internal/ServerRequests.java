package dev.quorate.zk.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.client.FourLetterWordMain;

/** The requests a test server has received, as its {@code srvr} command counts them. */
final class ServerRequests {
  private static final Pattern RECEIVED = Pattern.compile("Received: (\\d+)");

  private ServerRequests() {}

  /**
   * Reads the count; the {@code srvr} that reads it counts as one more.
   *
   * @throws IllegalStateException if the answer holds no count
   */
  static long received(TestingServer server) throws Exception {
    String answer = FourLetterWordMain.send4LetterWord("localhost", server.getPort(), "srvr");
    Matcher m = RECEIVED.matcher(answer);
    if (!m.find()) {
      throw new IllegalStateException("no request count in srvr's answer: " + answer);
    }
    return Long.parseLong(m.group(1));
  }
}
