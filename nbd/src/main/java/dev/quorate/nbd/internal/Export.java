package dev.quorate.nbd.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import dev.quorate.nbd.ExportName;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One served disk image and its token guard: the single owner of who may touch the image.
 *
 * <p>Every access runs inside {@link TokenGuard#access} with the token its connection opened with.
 * A newer open admits its token under the same guard, so it waits for an access in progress and
 * every later access with an older token fails: no write of a revoked connection lands after the
 * newer open was accepted, and a write is applied whole or not at all with respect to it.
 */
final class Export implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Export.class);

  private final String name;
  private final Path image;
  private final TokenGuard guard;
  private final FileChannel channel;
  private final long size;
  private final ReentrantLock openLock = new ReentrantLock();
  private final List<ExportHandle> handles = new ArrayList<>();

  private Export(String name, Path image, TokenGuard guard, FileChannel channel, long size) {
    this.name = name;
    this.image = image;
    this.guard = guard;
    this.channel = channel;
    this.size = size;
  }

  /**
   * Opens the image of {@code spec}.
   *
   * @throws QuorateException with {@link ErrorCode#IO_FAILURE} if it is not a readable and writable
   *     regular file
   */
  static Export open(ServerConfig.ExportSpec spec) {
    Path image = spec.image().toAbsolutePath();
    if (!Files.isRegularFile(image)) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "export '" + spec.name() + "': image " + image + " is not an existing regular file");
    }
    try {
      FileChannel channel =
          FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
      return new Export(spec.name(), image, spec.guard(), channel, channel.size());
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "export '" + spec.name() + "': cannot open image " + image + ": " + e.getMessage(),
          e);
    }
  }

  String name() {
    return name;
  }

  long size() {
    return size;
  }

  /**
   * Registers a connection opening the export as {@code name} says. A plain open admits the token
   * and revokes the connections with older ones; a standby open only checks that the token is not
   * older than the newest, and preempts at its first write ({@link #write}).
   *
   * @throws StaleTokenException if a newer token was accepted before
   */
  ExportHandle open(ExportName name, String peer) {
    openLock.lock();
    try {
      if (name.standby()) {
        checkOpenable(name.token());
      } else {
        guard.admit(name.token());
      }
      ExportHandle handle = new ExportHandle(this, name.token(), name.standby(), peer);
      handles.add(handle);
      if (name.standby()) {
        LOG.info(
            "export {}: opened by {} as standby with fencing token {}; it takes over at its first"
                + " write",
            this.name,
            peer,
            name.token());
      } else {
        revokeOlderThan(handle, "opened by");
      }
      return handle;
    } finally {
      openLock.unlock();
    }
  }

  /** Marks (for the log) the connections older than {@code handle} revoked; the guard decides. */
  private void revokeOlderThan(ExportHandle handle, String how) {
    openLock.lock();
    try {
      List<String> revoked = new ArrayList<>();
      for (ExportHandle other : handles) {
        if (handle.token().isNewerThan(other.token()) && other.revoke()) {
          revoked.add(other.token() + " from " + other.peer());
        }
      }
      if (revoked.isEmpty()) {
        LOG.info(
            "export {}: {} {} with fencing token {}", name, how, handle.peer(), handle.token());
      } else {
        LOG.warn(
            "export {}: {} {} with fencing token {}, revoking {} connection(s) with older tokens:"
                + " {}",
            name,
            how,
            handle.peer(),
            handle.token(),
            revoked.size(),
            revoked);
      }
    } finally {
      openLock.unlock();
    }
  }

  /**
   * Tells whether {@code token} could open the export now, without admitting it (NBD_OPT_INFO).
   *
   * @throws StaleTokenException if a newer token was accepted before
   */
  void checkOpenable(FencingToken token) {
    Optional<FencingToken> highest = guard.highest();
    if (highest.isPresent() && highest.get().isNewerThan(token)) {
      throw new StaleTokenException(token, highest.get());
    }
  }

  void forget(ExportHandle handle) {
    openLock.lock();
    try {
      handles.remove(handle);
    } finally {
      openLock.unlock();
    }
  }

  /** Reads {@code dst.remaining()} bytes at {@code offset}; the caller checked the range. */
  void read(ExportHandle handle, long offset, ByteBuffer dst) throws IOException {
    fenced(
        handle,
        false,
        () -> {
          long position = offset;
          while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) {
              throw new IOException(
                  "image " + image + " ends at " + position + ", shorter than its export size");
            }
            position += n;
          }
          return null;
        });
  }

  /** Writes all of {@code src} at {@code offset}; the caller checked the range. */
  void write(ExportHandle handle, long offset, ByteBuffer src, boolean forceUnitAccess)
      throws IOException {
    fenced(
        handle,
        true,
        () -> {
          long position = offset;
          while (src.hasRemaining()) {
            position += channel.write(src, position);
          }
          return null;
        });
    if (forceUnitAccess) {
      // Outside the guard: the data landed before any newer open, only its durability is awaited.
      channel.force(false);
    }
  }

  void flush(ExportHandle handle) throws IOException {
    fenced(handle, false, () -> null);
    channel.force(false);
  }

  /** Trim is a hint the server may ignore (NBD); it is still refused to a revoked connection. */
  void trim(ExportHandle handle) throws IOException {
    fenced(handle, false, () -> null);
  }

  private interface Io {
    Void run() throws IOException;
  }

  /**
   * Runs {@code io} under the guard with the handle's token. A standby handle only checks its token
   * until its first write, which admits the token (preempting the older ones) and makes it a plain
   * handle: a standby that merely reads must not cut off the client it stands by for.
   */
  private void fenced(ExportHandle handle, boolean writes, Io io) throws IOException {
    if (handle.standby() && !writes) {
      checkOpenable(handle.token());
      io.run();
      return;
    }
    fenced(handle.token(), io);
    if (writes && handle.takeOver()) {
      revokeOlderThan(handle, "standby connection took over at its first write:");
    }
  }

  private void fenced(FencingToken token, Io io) throws IOException {
    Supplier<Void> action =
        () -> {
          try {
            return io.run();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    try {
      guard.access(token, action);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "Export[" + name + ", " + image + ", " + size + " bytes]";
  }
}
