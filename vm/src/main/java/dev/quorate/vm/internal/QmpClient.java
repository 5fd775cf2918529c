package dev.quorate.vm.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.internal.json.Json;
import dev.quorate.vm.VmException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A QMP client: JSON lines over a connected socket. Reads QEMU's greeting, negotiates capabilities,
 * matches each answer to its command by {@code id}, and hands events to waiters registered before
 * the command that causes them (so no event can slip between command and wait). One reader thread
 * per connection; every wait is bounded.
 */
public final class QmpClient implements AutoCloseable {
  private final String peer;
  private final SocketChannel channel;
  private final Object writeLock = new Object();
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<EventWaiter> waiters = new ArrayList<>();
  private final CompletableFuture<Map<String, Object>> greeting = new CompletableFuture<>();
  private final Thread reader;
  private volatile String closedBecause;

  private record Pending(String command, CompletableFuture<Map<String, Object>> answer) {}

  private record EventWaiter(
      Predicate<Map<String, Object>> filter, CompletableFuture<Map<String, Object>> event) {}

  private QmpClient(String peer, SocketChannel channel) {
    this.peer = peer;
    this.channel = channel;
    this.reader = new Thread(this::readLoop, "qmp-" + peer);
    reader.setDaemon(true);
  }

  /**
   * Takes over a connected channel, reads the greeting and leaves capabilities negotiation done.
   *
   * @param peer a name for messages (the guest)
   * @param channel a connected channel to a QMP monitor
   * @param timeout bound on the greeting and the negotiation each
   * @return a client in command mode
   * @throws VmException if QEMU does not greet or refuses the negotiation
   * @throws InterruptedException if interrupted while waiting
   */
  public static QmpClient open(String peer, SocketChannel channel, Duration timeout)
      throws InterruptedException {
    QmpClient client = new QmpClient(peer, channel);
    client.reader.start();
    try {
      await(client.greeting, "the QMP greeting", peer, timeout);
      client.execute("qmp_capabilities", Map.of(), timeout);
      return client;
    } catch (VmException | InterruptedException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Runs a command and returns its {@code return} value.
   *
   * @param command the QMP command
   * @param arguments its arguments (empty for none)
   * @param timeout bound on the answer
   * @return the answer's {@code return} member (a map, list or value)
   * @throws VmException REFUSED with QEMU's error class and text, LOCK_TIMEOUT without an answer,
   *     IO_FAILURE when the connection is gone
   * @throws InterruptedException if interrupted while waiting
   */
  public Object execute(String command, Map<String, Object> arguments, Duration timeout)
      throws InterruptedException {
    String id = "q" + ids.incrementAndGet();
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("execute", command);
    if (!arguments.isEmpty()) {
      message.put("arguments", arguments);
    }
    message.put("id", id);
    CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
    pending.put(id, new Pending(command, answer));
    String why = closedBecause;
    if (why != null) {
      pending.remove(id);
      throw gone(command, why);
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap((Json.write(message) + "\n").getBytes(UTF_8));
      synchronized (writeLock) {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
    } catch (IOException e) {
      pending.remove(id);
      throw new VmException(
          ErrorCode.IO_FAILURE,
          "QMP command '" + command + "' to " + peer + " could not be sent: " + e.getMessage(),
          e);
    }
    Map<String, Object> reply;
    try {
      reply = await(answer, "an answer to QMP command '" + command + "'", peer, timeout);
    } finally {
      pending.remove(id);
    }
    if (reply.get("error") instanceof Map<?, ?> error) {
      throw new VmException(
          ErrorCode.REFUSED,
          "QMP command '"
              + command
              + "' to "
              + peer
              + " failed: "
              + error.get("class")
              + ": "
              + error.get("desc"));
    }
    return reply.get("return");
  }

  /**
   * Registers interest in the next event that matches, before the command that causes it.
   *
   * @param filter which event (the whole message: {@code event}, {@code data}, {@code timestamp})
   * @return completed with the event, or exceptionally when the connection closes
   */
  public CompletableFuture<Map<String, Object>> nextEvent(Predicate<Map<String, Object>> filter) {
    CompletableFuture<Map<String, Object>> event = new CompletableFuture<>();
    synchronized (waiters) {
      String why = closedBecause;
      if (why != null) {
        event.completeExceptionally(gone("an event", why));
      } else {
        waiters.add(new EventWaiter(filter, event));
      }
    }
    return event;
  }

  /**
   * Whether the connection is still open.
   *
   * @return false once QEMU closed it or {@link #close()} ran
   */
  public boolean isOpen() {
    return closedBecause == null;
  }

  /**
   * Waits for a future with a bound, translating the outcome into this module's exceptions.
   *
   * @param future what to wait for
   * @param what what it is, for messages
   * @param peer the guest, for messages
   * @param timeout the bound
   * @param <T> the value type
   * @return the value
   * @throws VmException LOCK_TIMEOUT at the bound, or the failure that completed the future
   * @throws InterruptedException if interrupted while waiting
   */
  public static <T> T await(CompletableFuture<T> future, String what, String peer, Duration timeout)
      throws InterruptedException {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new VmException(
          ErrorCode.LOCK_TIMEOUT, peer + " gave no " + what + " within " + timeout, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof VmException vm) {
        throw new VmException(vm.code(), vm.getMessage(), vm);
      }
      throw new VmException(
          ErrorCode.IO_FAILURE, "waiting for " + what + " from " + peer + " failed", e.getCause());
    }
  }

  private void readLoop() {
    String why = "QEMU closed the QMP connection";
    // Reads the channel itself: the streams of Channels.newInputStream and newOutputStream share
    // the channel's blocking lock, so a blocked read would hold up every command.
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          byte b = buffer.get();
          if (b == '\n') {
            String text = line.toString(UTF_8);
            line.reset();
            if (!text.isBlank()) {
              dispatch(text);
            }
          } else {
            line.write(b);
          }
        }
        buffer.clear();
      }
    } catch (IOException | RuntimeException e) {
      why = "the QMP connection failed: " + e.getMessage();
    }
    shutDown(why);
  }

  @SuppressWarnings("unchecked")
  private void dispatch(String line) {
    if (!(Json.parse(line) instanceof Map<?, ?> parsed)) {
      throw new IllegalArgumentException("QMP message is not an object: " + line);
    }
    Map<String, Object> message = (Map<String, Object>) parsed;
    if (message.containsKey("QMP")) {
      greeting.complete(message);
    } else if (message.containsKey("event")) {
      List<EventWaiter> matched = new ArrayList<>();
      synchronized (waiters) {
        waiters.removeIf(
            w -> {
              if (w.filter().test(message)) {
                matched.add(w);
                return true;
              }
              return false;
            });
      }
      matched.forEach(w -> w.event().complete(message));
    } else if (message.get("id") instanceof String id) {
      Pending p = pending.get(id);
      if (p != null) {
        p.answer().complete(message);
      }
    }
  }

  private void shutDown(String why) {
    List<EventWaiter> orphans;
    synchronized (waiters) {
      if (closedBecause == null) {
        closedBecause = why;
      }
      orphans = new ArrayList<>(waiters);
      waiters.clear();
    }
    greeting.completeExceptionally(gone("the QMP greeting", why));
    pending.values().forEach(p -> p.answer().completeExceptionally(gone(p.command(), why)));
    orphans.forEach(w -> w.event().completeExceptionally(gone("an event", why)));
  }

  private VmException gone(String what, String why) {
    return new VmException(ErrorCode.IO_FAILURE, "QMP " + what + " to " + peer + ": " + why);
  }

  @Override
  public void close() {
    shutDown("the QMP client was closed");
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a socket whose peer is gone: nothing is lost.
    }
  }
}
