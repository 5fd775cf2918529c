package dev.quorate.reliability;

import dev.quorate.disklease.LeaseTiming;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The disk-lease run's nemesis: pauses and kills holders, faults one lease disk for every host (see
 * {@link FaultyDisk}) and starts a second host with a live host's id. Logs each fault to {@code
 * faults.log}, and each duplicate-id attempt's outcome to {@code duplicates.log}. Waiting here is
 * the schedule itself (how long a holder stays paused, how long a disk stays faulty).
 */
final class DiskNemesis {
  /** Starts a host that only tries to take {@code hostOf}'s host id; returns its process. */
  interface ProbeStarter {
    Process start(String hostOf, Path log) throws IOException;
  }

  private final Path dir;
  private final Cast cast;
  private final ResourceAddress resourceAddress;
  private final DiskRunSettings settings;
  private final LeaseTiming timing;
  private final ProbeStarter probes;
  private final Random random;
  private int probeCount;

  DiskNemesis(
      Path dir,
      Cast cast,
      ResourceAddress resourceAddress,
      DiskRunSettings settings,
      ProbeStarter probes) {
    this.dir = dir;
    this.cast = cast;
    this.resourceAddress = resourceAddress;
    this.settings = settings;
    this.timing = settings.timing();
    this.probes = probes;
    this.random = new Random(settings.seed());
  }

  /**
   * Runs the rotation until {@code deadline} ({@link System#nanoTime()}), at least once through.
   */
  void run(long deadline) throws Exception {
    FaultRotation.run(dir, settings.faults(), settings.gap(), deadline, this::inject);
  }

  private FaultRecord inject(Fault fault) throws Exception {
    long expiry = timing.hostExpiry().toMillis();
    return switch (fault) {
      case PAUSE_HOLDER -> pauseHolder(2 * expiry + timing.renewalInterval().toMillis());
      case KILL_HOLDER -> killHolder();
      case LOSE_DISK -> diskFault(fault, "OFFLINE", random.nextInt(settings.disks()), 3 * expiry);
      case TORN_WRITES -> diskFault(fault, "TORN", 0, 2 * expiry);
      case LOST_WRITES -> diskFault(fault, "LOST", 0, 2 * expiry);
      case STALLED_WRITES -> diskFault(fault, "STALL", 0, 2 * expiry);
      case DUPLICATE_HOST_ID -> duplicateHostId();
      default -> throw new IllegalArgumentException(fault + " is not a disk-lease fault");
    };
  }

  /** Catches the holder inside its critical section and SIGSTOPs it past its lease. */
  private FaultRecord pauseHolder(long millis) throws Exception {
    try (ResourceConnection resource = resourceAddress.connect()) {
      String caught = resource.trap(10_000);
      String holder = caught != null ? caught : randomHost();
      Process p = cast.client(holder);
      long start = System.nanoTime();
      ChildProcesses.signal(p, "STOP");
      resource.spring(); // the reply waits in the stopped holder's socket
      try {
        Thread.sleep(millis); // paused past host_expiry: others may take the lease meanwhile
      } finally {
        ChildProcesses.signal(p, "CONT");
      }
      return new FaultRecord(Fault.PAUSE_HOLDER, holder, start, System.nanoTime(), caught != null);
    }
  }

  private FaultRecord killHolder() throws Exception {
    try (ResourceConnection resource = resourceAddress.connect()) {
      String caught = resource.trap(10_000);
      String holder = caught != null ? caught : randomHost();
      long start = System.nanoTime();
      try {
        cast.killAndRestartClient(holder);
      } finally {
        resource.spring();
      }
      return new FaultRecord(Fault.KILL_HOLDER, holder, start, System.nanoTime(), caught != null);
    }
  }

  private FaultRecord diskFault(Fault fault, String mode, int disk, long millis) throws Exception {
    long start = System.nanoTime();
    long stall = 2 * timing.ioTimeout().toMillis(); // past the I/O timeout, STALL only
    FaultyDisk.inject(dir, mode, disk, stall);
    try {
      Thread.sleep(millis); // how long the disk stays faulty
    } finally {
      FaultyDisk.heal(dir);
    }
    return new FaultRecord(fault, "disk-" + disk, start, System.nanoTime(), true);
  }

  /** Starts a host with a live host's id; it must be refused (it watches for host_expiry). */
  private FaultRecord duplicateHostId() throws Exception {
    String victim = randomHost();
    // A host that has written since its last start holds its id; a successor still acquiring the
    // id of a killed host would race the probe fairly, which is not this fault.
    Poll.until(
        victim + " holds its host id (wrote since its start)",
        Duration.ofSeconds(60),
        () -> wroteSinceStart(victim));
    Path out = dir.resolve("duplicate-" + (++probeCount) + ".out");
    long start = System.nanoTime();
    Process p = probes.start(victim, out);
    long bound = timing.hostExpiry().toMillis() + 60_000;
    String outcome;
    if (!p.waitFor(bound, TimeUnit.MILLISECONDS)) {
      ChildProcesses.killNow(p);
      outcome = "undecided: no answer within " + bound + " ms";
    } else if (p.exitValue() == 0) {
      outcome = "refused";
    } else if (p.exitValue() == DiskLeaseClientCommand.DUPLICATE_ACCEPTED) {
      outcome = "accepted";
    } else {
      outcome = "failed: exit " + p.exitValue();
    }
    Files.writeString(
        dir.resolve("duplicates.log"),
        victim + " " + outcome + " " + out.getFileName() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return new FaultRecord(Fault.DUPLICATE_HOST_ID, victim, start, System.nanoTime(), true);
  }

  private boolean wroteSinceStart(String id) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve(id + ".history"), StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("ack ")) {
        return true;
      }
      if (lines.get(i).startsWith("start ")) {
        return false;
      }
    }
    return false;
  }

  private String randomHost() {
    List<String> ids = cast.clientIds();
    return ids.get(random.nextInt(ids.size()));
  }
}
