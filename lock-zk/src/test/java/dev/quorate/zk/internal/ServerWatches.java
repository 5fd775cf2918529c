package dev.quorate.zk.internal;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.client.FourLetterWordMain;

/** The watches a test server holds, as its {@code wchp} command lists them. */
final class ServerWatches {
  private ServerWatches() {}

  /** How many sessions watch {@code path}: {@code wchp} lists each path, then its sessions. */
  static int watchers(TestingServer server, String path) throws Exception {
    String[] lines =
        FourLetterWordMain.send4LetterWord("localhost", server.getPort(), "wchp").split("\n");
    int count = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].equals(path)) {
        for (int j = i + 1; j < lines.length && lines[j].startsWith("\t"); j++) {
          count++;
        }
      }
    }
    return count;
  }
}
