package dev.quorate.reliability;

import java.io.IOException;
import java.net.InetAddress;

/** Where the resource listens: the same address and port across its restarts. */
record ResourceAddress(InetAddress host, int port) {
  /** Parses {@code host:port}, naming the value if it is not one. */
  static ResourceAddress parse(String text) throws IOException {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not host:port: '" + text + "'");
    }
    return new ResourceAddress(
        InetAddress.getByName(text.substring(0, colon)),
        Integer.parseInt(text.substring(colon + 1)));
  }

  ResourceConnection connect() throws IOException {
    return new ResourceConnection(host, port);
  }
}
