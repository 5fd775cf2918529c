package dev.quorate.vm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.internal.json.Json;
import dev.quorate.vm.VmException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against a scripted monitor on a unix socket. */
@Timeout(30)
class QmpClientTest {
  private static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir Path dir;
  private ServerSocketChannel server;
  private SocketChannel monitorSide;
  private BufferedReader fromClient;
  private PrintStream toClient;

  @BeforeEach
  void setUp() throws IOException {
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve("qmp")));
  }

  @AfterEach
  void tearDown() throws IOException {
    server.close();
    if (monitorSide != null) {
      monitorSide.close();
    }
  }

  /** Connects a client; the monitor greets and accepts the negotiation. */
  private QmpClient connect() throws Exception {
    SocketChannel clientSide = SocketChannel.open(StandardProtocolFamily.UNIX);
    clientSide.connect(UnixDomainSocketAddress.of(dir.resolve("qmp")));
    monitorSide = server.accept();
    fromClient =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(monitorSide), StandardCharsets.UTF_8));
    toClient = new PrintStream(Channels.newOutputStream(monitorSide), true, StandardCharsets.UTF_8);
    CompletableFuture<QmpClient> client =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return QmpClient.open("vm-t", clientSide, BOUND);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    toClient.println("{\"QMP\": {\"version\": {}, \"capabilities\": []}}");
    answer("qmp_capabilities", "{}");
    return client.get();
  }

  /** Reads the client's next command, checks its name and returns the given value. */
  private void answer(String command, String returned) throws IOException {
    Map<?, ?> sent = (Map<?, ?>) Json.parse(fromClient.readLine());
    assertThat(sent.get("execute")).isEqualTo(command);
    toClient.println("{\"return\": " + returned + ", \"id\": \"" + sent.get("id") + "\"}");
  }

  @Test
  void answersAreMatchedToTheirCommandsAndEventsReachTheirWaiters() throws Exception {
    try (QmpClient qmp = connect()) {
      CompletableFuture<Map<String, Object>> stopped =
          qmp.nextEvent(e -> "STOP".equals(e.get("event")));
      CompletableFuture<Object> status =
          CompletableFuture.supplyAsync(() -> execute(qmp, "query-status"));
      Map<?, ?> sent = (Map<?, ?>) Json.parse(fromClient.readLine());
      // An event arrives before the answer, as QEMU may send them.
      toClient.println("{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1}}");
      toClient.println(
          "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": \""
              + sent.get("id")
              + "\"}");
      assertThat(status.get()).isEqualTo(Map.of("status", "paused", "running", false));
      assertThat(stopped.get().get("event")).isEqualTo("STOP");
    }
  }

  @Test
  void anErrorAnswerNamesTheCommandAndQemusText() throws Exception {
    try (QmpClient qmp = connect()) {
      CompletableFuture<Object> migrate =
          CompletableFuture.supplyAsync(() -> execute(qmp, "migrate"));
      Map<?, ?> sent = (Map<?, ?>) Json.parse(fromClient.readLine());
      toClient.println(
          "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Failed to connect socket\"},"
              + " \"id\": \""
              + sent.get("id")
              + "\"}");
      assertThatThrownBy(migrate::join)
          .hasCauseInstanceOf(VmException.class)
          .cause()
          .hasMessageContaining("'migrate'")
          .hasMessageContaining("GenericError: Failed to connect socket")
          .satisfies(e -> assertThat(((VmException) e).code()).isEqualTo(ErrorCode.REFUSED));
    }
  }

  @Test
  void aCommandWithoutAnswerTimesOutAndAClosedMonitorFailsWaiters() throws Exception {
    try (QmpClient qmp = connect()) {
      assertThatThrownBy(() -> qmp.execute("query-status", Map.of(), Duration.ofMillis(200)))
          .isInstanceOf(VmException.class)
          .hasMessageContaining("'query-status'")
          .satisfies(e -> assertThat(((VmException) e).code()).isEqualTo(ErrorCode.LOCK_TIMEOUT));

      CompletableFuture<Map<String, Object>> event = qmp.nextEvent(e -> true);
      monitorSide.close();
      assertThatThrownBy(event::join)
          .hasCauseInstanceOf(VmException.class)
          .cause()
          .hasMessageContaining("QMP connection"); // closed, or reset: unread data was pending
      assertThatThrownBy(() -> qmp.execute("cont", Map.of(), BOUND))
          .isInstanceOf(VmException.class)
          .satisfies(e -> assertThat(((VmException) e).code()).isEqualTo(ErrorCode.IO_FAILURE));
    }
  }

  private static Object execute(QmpClient qmp, String command) {
    try {
      return qmp.execute(command, Map.of(), BOUND);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
