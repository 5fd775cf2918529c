package dev.quorate.nbd.internal;

import dev.quorate.lock.TokenGuard;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@link dev.quorate.nbd.NbdServerBuilder} collected, validated.
 *
 * @param bind the listening address
 * @param exports the exports, names unique
 * @param maxRequestBytes the largest read or write payload
 * @param maxConnections connections open at once
 * @param handshakeTimeout from connect to transmission
 * @param requestTimeout from a request's first byte to its last
 */
public record ServerConfig(
    InetSocketAddress bind,
    List<ExportSpec> exports,
    int maxRequestBytes,
    int maxConnections,
    Duration handshakeTimeout,
    Duration requestTimeout) {

  /**
   * One export as configured.
   *
   * @param name the export's name
   * @param image the disk image file
   * @param guard the image's token guard
   */
  public record ExportSpec(String name, Path image, TokenGuard guard) {}
}
