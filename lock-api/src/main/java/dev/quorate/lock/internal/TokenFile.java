package dev.quorate.lock.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.FencingToken;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * The file behind a persistent token guard: 28 bytes, {@code "QRTG"}, a version byte, three zero
 * bytes, the token (16 bytes, big-endian) and a CRC32C of all before it.
 *
 * <p>Replaced atomically: written to a sibling temporary file, forced, renamed over the old file,
 * and the directory forced, so a crash leaves either the old or the new token, never a torn one.
 *
 * <p>Shared by the processes of one host: {@link #locked} holds an operating-system lock on the
 * sibling file {@code <name>.lock} (never renamed, so every process locks the same inode) and, in
 * this JVM, a lock per path (the OS lock belongs to the whole JVM, so threads and guards of one JVM
 * must be kept apart by a lock of their own). Read, check and write happen under both, so no
 * process can accept a token older than one another process accepted in between.
 */
final class TokenFile {
  static final int SIZE = 28;
  private static final byte[] MAGIC = "QRTG".getBytes(StandardCharsets.US_ASCII);
  private static final byte VERSION = 1;

  /** One lock per token file in this JVM; a handful of entries, one per guarded resource. */
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_JVM =
      new ConcurrentHashMap<>();

  private final Path path;
  private final Path lockPath;
  private final ReentrantLock inThisJvm;

  private TokenFile(Path path) {
    this.path = path;
    this.lockPath = path.resolveSibling(path.getFileName() + ".lock");
    this.inThisJvm = IN_THIS_JVM.computeIfAbsent(path, ignored -> new ReentrantLock());
  }

  /**
   * Opens the file, reading the token it holds if it exists.
   *
   * @param path the file
   * @return the opened file
   * @throws QuorateException with {@link ErrorCode#CORRUPT_DATA} if the file is not a valid token
   *     file, or {@link ErrorCode#IO_FAILURE} if it cannot be read
   */
  static TokenFile open(Path path) {
    Path absolute = path.toAbsolutePath();
    Path real;
    try {
      // One in-JVM lock per file, however it is spelled (./, .., a symlinked directory).
      real = absolute.getParent().toRealPath().resolve(absolute.getFileName());
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "cannot open token file " + path + ": its directory: " + e.getMessage(),
          e);
    }
    TokenFile file = new TokenFile(real);
    file.locked(file::read); // refuse a corrupt or unreadable file now, not at the first access
    return file;
  }

  /**
   * Runs {@code work} holding this file's lock in this JVM and on this host.
   *
   * @throws QuorateException with {@link ErrorCode#IO_FAILURE} if the OS lock cannot be taken
   */
  <T> T locked(Supplier<T> work) {
    if (inThisJvm.isHeldByCurrentThread()) {
      // Re-entered from inside a guarded action (a toString, a highest()): both locks are held
      // already, and a second OS lock on the file would fail and, closing its channel, drop the
      // first one while the action still runs.
      return work.get();
    }
    inThisJvm.lock();
    try (FileChannel channel =
        FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock held = channel.lock(); // released at the latest when the channel closes
      try {
        return work.get();
      } finally {
        held.release();
      }
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "cannot lock token file " + lockPath + ": " + e.getMessage(), e);
    } finally {
      inThisJvm.unlock();
    }
  }

  /** Reads the token the file holds now; call it under {@link #locked}. */
  Optional<FencingToken> read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "cannot read token file " + path + ": " + e.getMessage(), e);
    }
    return Optional.of(decode(path, bytes));
  }

  /** Replaces the token; call it under {@link #locked}. */
  void store(FencingToken token) {
    ByteBuffer buffer = ByteBuffer.allocate(SIZE);
    buffer.put(MAGIC).put(VERSION).put(new byte[3]).put(token.toBytes());
    buffer.putInt(crc(buffer.array(), SIZE - Integer.BYTES));
    buffer.flip();
    Path temp = null;
    try {
      // A fresh name per write: a leftover from a crash is never reused half-written.
      temp = Files.createTempFile(path.getParent(), path.getFileName() + ".", ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel directory = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
        directory.force(true);
      }
    } catch (IOException e) {
      deleteQuietly(temp, e);
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "cannot record fencing token " + token + " in " + path + ": " + e.getMessage(),
          e);
    }
  }

  private static void deleteQuietly(Path temp, IOException failure) {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  private static FencingToken decode(Path path, byte[] bytes) {
    if (bytes.length != SIZE) {
      throw corrupt(path, "it is " + bytes.length + " bytes long, a token file is " + SIZE);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[MAGIC.length];
    buffer.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw corrupt(path, "it does not start with QRTG; it is not a Quorate token file");
    }
    int expected = ByteBuffer.wrap(bytes, SIZE - Integer.BYTES, Integer.BYTES).getInt();
    if (crc(bytes, SIZE - Integer.BYTES) != expected) {
      throw corrupt(path, "its checksum does not match (torn or damaged)");
    }
    byte version = buffer.get();
    if (version != VERSION) {
      throw corrupt(path, "its version is " + version + ", this release reads version " + VERSION);
    }
    buffer.position(8);
    byte[] token = new byte[FencingToken.BYTES];
    buffer.get(token);
    try {
      return FencingToken.fromBytes(token);
    } catch (IllegalArgumentException e) {
      throw corrupt(path, e.getMessage());
    }
  }

  private static QuorateException corrupt(Path path, String why) {
    return new QuorateException(
        ErrorCode.CORRUPT_DATA,
        "token file "
            + path
            + " is unusable: "
            + why
            + ". Refusing to reset it: restore it, or delete it only if no stale holder can"
            + " still write");
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
