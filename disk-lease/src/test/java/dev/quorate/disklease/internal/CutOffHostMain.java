package dev.quorate.disklease.internal;

import dev.quorate.disklease.LeaseArea;
import dev.quorate.disklease.LeasedCommand;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.MonotonicClock;
import dev.quorate.qdisk.BlockDevice;
import dev.quorate.quorum.SelfFence;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A host of {@link LeasedCommandIT} that can be cut off from its lease disks: {@code <host id>
 * <disk>[,<disk>...] <resource> <command>...}. Runs the command as {@code LeaseTool run} does, with
 * the same self-fence (end the command, then exit 70), on disks that fail every I/O once a line
 * {@code cut} arrives on standard input; so its renewals really fail and its lease turns LOST.
 */
public final class CutOffHostMain {
  private CutOffHostMain() {}

  /**
   * Runs the host.
   *
   * @param args host id, comma-separated disks, resource, command
   * @throws Exception if the host cannot start
   */
  public static void main(String[] args) throws Exception {
    int hostId = Integer.parseInt(args[0]);
    List<CuttableDevice> disks = new ArrayList<>();
    for (String p : args[1].split(",")) {
      disks.add(new CuttableDevice(BlockDevice.open(Path.of(p))));
    }
    LeaseArea area = LeaseArea.read(disks.get(0));
    LeasedCommand command =
        LeasedCommand.builder()
            .resource(args[2])
            .command(List.of(args).subList(3, args.length))
            .timing(area.timing())
            .build();
    Thread cutter =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.equals("cut")) {
                    disks.forEach(CuttableDevice::cut);
                    System.out.println("CUT " + System.nanoTime());
                  }
                }
              } catch (java.io.IOException e) {
                // the test closed our input; nothing more will come
              }
            },
            "cutter");
    cutter.setDaemon(true);
    cutter.start();
    try (LockManager locks =
        DiskLocks.openDevices(
            List.copyOf(disks),
            hostId,
            "host-" + hostId,
            command.selfFence(SelfFence.exit()),
            MonotonicClock.system())) {
      System.out.println("READY " + hostId);
      LeasedCommand.Result result = command.run(locks);
      System.out.println("ENDED " + result);
      System.exit(result.lostBecause().isPresent() ? SelfFence.EXIT_STATUS : result.exitStatus());
    }
  }
}
