package dev.quorate.samples.failover;

import dev.quorate.lock.FencingToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A virtual machine of the demo: a process that writes to its disk on the shared storage every
 * interval, showing the fencing token its cluster manager gave it when it was started. Like a real
 * VM it knows nothing about the cluster: it keeps running if its manager dies, and it keeps trying
 * if its disk rejects it. It stops cleanly on the line {@code stop} on stdin, and exits if the
 * storage goes away.
 *
 * <p>With {@code --member} instead of {@code --vm}, it is a cluster member of scenario 2 that only
 * heartbeats on the storage.
 */
public final class VmProcess {
  private VmProcess() {}

  /**
   * Runs the VM.
   *
   * @param args {@code --vm <name> --token <token> --host <host> --storage <port>}, or {@code
   *     --member <name> --storage <port>}
   * @throws Exception if the VM cannot start
   */
  public static void main(String[] args) throws Exception {
    Args options = Args.parse("VmProcess", args);
    int port = options.getInt("storage");
    Duration interval = DemoTiming.VM_WRITE_INTERVAL;
    CountDownLatch stop = watchStdinForStop();
    try (StorageClient storage = new StorageClient(port, Duration.ofSeconds(5))) {
      String member = options.get("member", "");
      if (!member.isEmpty()) {
        while (!stop.await(0, TimeUnit.MILLISECONDS)) {
          storage.beat(member);
          stop.await(interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return;
      }
      String vm = options.get("vm");
      String host = options.get("host");
      FencingToken token = FencingToken.parse(options.get("token"));
      write(storage, vm, token, host, "boot", true);
      boolean rejected = false;
      for (long n = 1; !stop.await(interval.toMillis(), TimeUnit.MILLISECONDS); n++) {
        rejected = write(storage, vm, token, host, "write-" + n, !rejected);
      }
      write(storage, vm, token, host, "clean-shutdown", true);
    } catch (IOException e) {
      System.err.println("VM stops: its storage is gone: " + e.getMessage());
      System.exit(3);
    }
  }

  /** Returns true if the disk rejected the write; reports the first rejection. */
  private static boolean write(
      StorageClient storage, String vm, FencingToken token, String host, String text, boolean tell)
      throws IOException {
    Optional<FencingToken> newer = storage.write(vm, token, host, text);
    if (newer.isPresent() && tell) {
      System.err.println(
          vm
              + " on "
              + host
              + ": disk rejects token "
              + token
              + " (it accepted "
              + newer.get()
              + "); retrying");
    }
    return newer.isPresent();
  }

  /** Counts down on a {@code stop} line; an EOF (the manager died) is not a stop. */
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
                // The manager's end of the pipe is gone; a VM runs on regardless.
              }
            },
            "vm-stdin");
    reader.setDaemon(true);
    reader.start();
    return stop;
  }
}
