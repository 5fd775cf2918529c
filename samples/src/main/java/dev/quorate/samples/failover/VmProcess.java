package dev.quorate.samples.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A cluster member of scenario 2, standing for a VM whose only job there is to heartbeat on the
 * shared storage every interval. It stops on the line {@code stop} on stdin, and exits if the
 * storage goes away. (The VMs of scenarios 1, 3 and 4 are real QEMU guests: {@link DemoGuest}.)
 */
public final class VmProcess {
  private VmProcess() {}

  /**
   * Runs the member.
   *
   * @param args {@code --member <name> --storage <port>}
   * @throws Exception if the member cannot start
   */
  public static void main(String[] args) throws Exception {
    Args options = Args.parse("VmProcess", args);
    String member = options.get("member");
    CountDownLatch stop = watchStdinForStop();
    try (StorageClient storage =
        new StorageClient(options.getInt("storage"), Duration.ofSeconds(5))) {
      do {
        storage.beat(member);
      } while (!stop.await(DemoTiming.VM_WRITE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
    } catch (IOException e) {
      System.err.println("member stops: its storage is gone: " + e.getMessage());
      System.exit(3);
    }
  }

  /** Counts down on a {@code stop} line; an EOF (the parent died) is not a stop. */
  private static CountDownLatch watchStdinForStop() {
    CountDownLatch stop = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.trim().equals("stop")) {
                    stop.countDown();
                    return;
                  }
                }
              } catch (IOException e) {
                // The parent's end of the pipe is gone; a VM runs on regardless.
              }
            },
            "vm-stdin");
    reader.setDaemon(true);
    reader.start();
    return stop;
  }
}
