package dev.quorate.reliability;

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
