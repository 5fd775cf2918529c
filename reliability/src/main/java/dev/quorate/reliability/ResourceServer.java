package dev.quorate.reliability;

import dev.quorate.lock.FencingToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * The resource process: serves a {@link FencedCounter} on a loopback port, one line per request.
 *
 * <pre>
 * INC client seq token index  -&gt;  OK value | STALE   (index: the write's number in its grant)
 * WHO                         -&gt;  client nanos | NONE (the last writer, for the nemesis)
 * TRAP millis                 -&gt;  TRAPPED client | NONE (see {@link Trap})
 * SPRING                      -&gt;  SPRUNG
 * STOP                        -&gt;  BYE, then the process exits
 * </pre>
 */
final class ResourceServer {
  private final FencedCounter counter;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Trap trap = new Trap();

  private ResourceServer(FencedCounter counter) {
    this.counter = counter;
  }

  /**
   * Runs until STOP; writes its port to {@code <dir>/resource.port} once it listens. Started again
   * after a SIGKILL, it recovers the counter from its files (see {@link FencedCounter}).
   */
  static void run(Path dir, boolean fenced, InetAddress bind, int port)
      throws IOException, InterruptedException {
    try (FencedCounter counter = new FencedCounter(dir, fenced);
        ServerSocket server = new ServerSocket(port, 50, bind)) {
      ResourceServer rs = new ResourceServer(counter);
      Thread acceptor = new Thread(() -> rs.accept(server), "resource-accept");
      acceptor.setDaemon(true);
      acceptor.start();
      Path tmp = dir.resolve("resource.port.tmp");
      Files.writeString(tmp, Integer.toString(server.getLocalPort()));
      Files.move(tmp, dir.resolve("resource.port"), StandardCopyOption.REPLACE_EXISTING);
      rs.stopped.await();
    }
  }

  private void accept(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread t = new Thread(() -> serve(socket), "resource-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        PrintWriter out =
            new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII)) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "INC" -> {
            FencedCounter.Outcome o =
                counter.increment(f[1], Long.parseLong(f[2]), FencingToken.parse(f[3]));
            if (o.accepted() && f[4].equals("0")) {
              trap.catchIfArmed(f[1]);
            }
            out.println(o.accepted() ? "OK " + o.value() : "STALE");
          }
          case "WHO" -> out.println(counter.lastWriter());
          case "TRAP" -> {
            String caught = trap.arm(Long.parseLong(f[1]));
            out.println(caught == null ? "NONE" : "TRAPPED " + caught);
          }
          case "SPRING" -> {
            trap.spring();
            out.println("SPRUNG");
          }
          case "STOP" -> {
            out.println("BYE");
            stopped.countDown();
            return;
          }
          default -> out.println("ERROR unknown request '" + line + "'");
        }
      }
    } catch (IOException e) {
      // The client went away; its history says what it saw.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
