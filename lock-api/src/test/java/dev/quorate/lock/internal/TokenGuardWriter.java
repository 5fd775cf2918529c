package dev.quorate.lock.internal;

import dev.quorate.lock.FencingToken;
import dev.quorate.lock.StaleTokenException;
import dev.quorate.lock.TokenGuard;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A process of {@link TokenGuardProcessesIT}: shows tokens {@code first, first + step, ...} to a
 * persistent guard and, for each one accepted, appends it to a log inside the guarded action.
 *
 * <p>Arguments: token file, log file, first token, step, count. Prints "ready", waits for a line on
 * stdin, then prints "done accepted=N stale=M".
 */
public final class TokenGuardWriter {
  private TokenGuardWriter() {}

  public static void main(String[] args) throws IOException {
    TokenGuard guard = TokenGuard.persistent(Path.of(args[0]));
    Path log = Path.of(args[1]);
    long first = Long.parseLong(args[2]);
    long step = Long.parseLong(args[3]);
    int count = Integer.parseInt(args[4]);
    System.out.println("ready");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    int accepted = 0;
    int stale = 0;
    try (FileChannel out =
        FileChannel.open(
            log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (int i = 0; i < count; i++) {
        long value = first + i * step;
        try {
          guard.access(FencingToken.of(value), () -> append(out, value));
          accepted++;
        } catch (StaleTokenException e) {
          stale++;
        }
      }
    }
    System.out.println("done accepted=" + accepted + " stale=" + stale);
    System.out.flush();
  }

  private static void append(FileChannel out, long value) {
    try {
      out.write(ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
