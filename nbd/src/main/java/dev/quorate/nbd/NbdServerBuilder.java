package dev.quorate.nbd;

import dev.quorate.lock.TokenGuard;
import dev.quorate.nbd.internal.NbdListener;
import dev.quorate.nbd.internal.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds an {@link NbdServer}. Every limit has a safe default; {@link #build()} refuses a server
 * without exports and limits out of range, naming the value.
 *
 * <pre>{@code
 * NbdServer server =
 *     NbdServer.builder()
 *         .bind(new InetSocketAddress("0.0.0.0", 10809))
 *         .export("vm-web-1", Path.of("/srv/disks/vm-web-1.img"))
 *         .export("vm-db-1", Path.of("/srv/disks/vm-db-1.img"), TokenGuard.persistent(tokenFile))
 *         .maxRequestBytes(32 << 20)
 *         .build();
 * }</pre>
 */
public final class NbdServerBuilder {
  /** The largest request the server accepts unless told otherwise: 32 MiB, QEMU's own limit. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 32 << 20;

  private InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10809);
  private final Map<String, ServerConfig.ExportSpec> exports = new LinkedHashMap<>();
  private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
  private int maxConnections = 16;
  private Duration handshakeTimeout = Duration.ofSeconds(10);
  private Duration requestTimeout = Duration.ofSeconds(30);

  NbdServerBuilder() {}

  /**
   * Sets the address to listen on; port 0 picks a free port ({@link NbdServer#port()}). Default:
   * the loopback address, port 10809 (NBD's IANA port).
   *
   * @param address the address
   * @return this builder
   * @throws NullPointerException if {@code address} is null
   */
  public NbdServerBuilder bind(InetSocketAddress address) {
    this.bind = Objects.requireNonNull(address, "address");
    return this;
  }

  /**
   * Serves {@code image} as export {@code name}, guarded by a persistent {@link TokenGuard} kept in
   * {@code <image>.token} beside the image, so a restart cannot accept an older token.
   *
   * @param name the export's name (letters, digits, {@code . _ -})
   * @param image the disk image, an existing regular file; its size is the export's size
   * @return this builder
   * @throws IllegalArgumentException if the name is invalid or already used
   * @throws dev.quorate.lock.QuorateException if the token file exists but is corrupt or unreadable
   */
  public NbdServerBuilder export(String name, Path image) {
    Path absolute = image.toAbsolutePath();
    return export(
        name,
        image,
        TokenGuard.persistent(absolute.resolveSibling(absolute.getFileName() + ".token")));
  }

  /**
   * Serves {@code image} as export {@code name}, guarded by {@code guard}. The guard must be the
   * only one for this image; anything else that admits a newer token on it revokes the server's
   * older connections too (their next request fails).
   *
   * @param name the export's name (letters, digits, {@code . _ -})
   * @param image the disk image, an existing regular file; its size is the export's size
   * @param guard the image's token guard; use a persistent one outside tests
   * @return this builder
   * @throws IllegalArgumentException if the name is invalid or already used
   * @throws NullPointerException if an argument is null
   */
  public NbdServerBuilder export(String name, Path image, TokenGuard guard) {
    ExportName.checkExport(name);
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(guard, "guard");
    if (exports.containsKey(name)) {
      throw new IllegalArgumentException("export '" + name + "' is configured twice");
    }
    exports.put(name, new ServerConfig.ExportSpec(name, image, guard));
    return this;
  }

  /**
   * Sets the largest read or write a client may ask for; bigger requests fail with {@code EINVAL}
   * (a write that big also closes the connection, since its payload cannot be skipped cheaply).
   * Default {@value #DEFAULT_MAX_REQUEST_BYTES}. The server's buffer memory is bounded by {@code
   * maxConnections * maxRequestBytes}.
   *
   * @param bytes from 4096 to 256 MiB
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public NbdServerBuilder maxRequestBytes(int bytes) {
    if (bytes < 4096 || bytes > (256 << 20)) {
      throw new IllegalArgumentException(
          "maxRequestBytes " + bytes + " is out of range: 4096 to " + (256 << 20));
    }
    this.maxRequestBytes = bytes;
    return this;
  }

  /**
   * Sets how many connections may be open at once; more are closed at once, with a log line.
   * Default 16.
   *
   * @param connections from 1 to 1024
   * @return this builder
   * @throws IllegalArgumentException if out of range
   */
  public NbdServerBuilder maxConnections(int connections) {
    if (connections < 1 || connections > 1024) {
      throw new IllegalArgumentException(
          "maxConnections " + connections + " is out of range: 1 to 1024");
    }
    this.maxConnections = connections;
    return this;
  }

  /**
   * Sets how long a client may take from connecting to entering transmission. Default 10 s.
   *
   * @param timeout positive
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public NbdServerBuilder handshakeTimeout(Duration timeout) {
    this.handshakeTimeout = positive("handshakeTimeout", timeout);
    return this;
  }

  /**
   * Sets how long a client may take to send one whole request (header and payload) once it began; a
   * client that stops half-way is disconnected and nothing of that request is written. Idle time
   * between requests is unbounded. Default 30 s.
   *
   * @param timeout positive
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public NbdServerBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = positive("requestTimeout", timeout);
    return this;
  }

  private static Duration positive(String key, Duration value) {
    Objects.requireNonNull(value, key);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
    return value;
  }

  /**
   * Builds the server; {@link NbdServer#start()} binds it.
   *
   * @return the server, not yet started
   * @throws IllegalArgumentException if no export was configured
   */
  public NbdServer build() {
    if (exports.isEmpty()) {
      throw new IllegalArgumentException("an NBD server needs at least one export");
    }
    return new NbdListener(
        new ServerConfig(
            bind,
            List.copyOf(new ArrayList<>(exports.values())),
            maxRequestBytes,
            maxConnections,
            handshakeTimeout,
            requestTimeout));
  }
}
