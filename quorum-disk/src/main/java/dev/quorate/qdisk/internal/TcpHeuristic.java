package dev.quorate.qdisk.internal;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.qdisk.Heuristic;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Passes when a TCP connection opens within the timeout: a cheap "can I reach my peers" check. */
public record TcpHeuristic(String name, String host, int port, int score, Duration timeout)
    implements Heuristic {
  /** Validates. */
  public TcpHeuristic {
    if (host == null || host.isBlank() || port < 1 || port > 65535 || score < 1) {
      throw new ConfigurationException(
          "heuristic '"
              + name
              + "': needs host:port with port 1..65535 (got "
              + host
              + ":"
              + port
              + ") and a score of at least 1 (got "
              + score
              + ")");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException("heuristic '" + name + "': timeout must be positive");
    }
  }

  @Override
  public boolean passes() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
