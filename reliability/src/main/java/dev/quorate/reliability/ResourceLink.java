package dev.quorate.reliability;

import dev.quorate.lock.FencingToken;
import java.io.IOException;
import java.time.Duration;

/**
 * A lock client's connection to the resource, opened again after the resource restarted. Not
 * thread-safe: one per client.
 */
final class ResourceLink implements AutoCloseable {
  private static final Duration RESTART_BOUND = Duration.ofSeconds(60);

  private final ResourceAddress address;
  private ResourceConnection connection;

  ResourceLink(ResourceAddress address) {
    this.address = address;
  }

  /** Connects if not connected, waiting (bounded) while the resource restarts. */
  void awaitConnected() throws Exception {
    if (connection != null) {
      return;
    }
    Poll.until(
        "the resource at " + address + " accepts a connection",
        RESTART_BOUND,
        () -> {
          try {
            connection = address.connect();
            return true;
          } catch (IOException refused) {
            return false; // restarting
          }
        });
  }

  ResourceConnection connection() throws IOException {
    if (connection == null) {
      throw new IOException("not connected to the resource at " + address);
    }
    return connection;
  }

  /**
   * Makes a grant's writes in order and records each in {@code history}: {@code ack} with the
   * counter's value, {@code stale} when the resource refused the token (no later write is tried),
   * or {@code unknown} when the connection broke with the write in flight (it may or may not have
   * been applied; the connection is dropped and no later write is tried).
   *
   * @return true if the resource refused the token as stale
   */
  boolean writeAll(HistoryWriter history, String client, long seq, FencingToken token, int writes)
      throws IOException {
    for (int i = 0; i < writes; i++) {
      long value;
      try {
        value = connection().increment(client, seq, token, i);
      } catch (IOException e) {
        history.event("unknown", seq, token, i);
        drop();
        return false;
      }
      if (value < 0) {
        history.event("stale", seq, token);
        return true;
      }
      history.event("ack", seq, token, value);
    }
    return false;
  }

  /** Forgets a broken connection; the next {@link #awaitConnected} opens a new one. */
  void drop() throws IOException {
    if (connection != null) {
      ResourceConnection c = connection;
      connection = null;
      c.close();
    }
  }

  @Override
  public void close() throws IOException {
    drop();
  }
}
