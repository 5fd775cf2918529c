package dev.quorate.nometrics;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.zk.ZkLockManager;
import java.time.Duration;

/**
 * Run by {@link NoMicrometerIT} in a JVM whose module path holds Quorate's modules and their
 * required dependencies but no Micrometer: locks in-process and on ZooKeeper, inspects and revokes,
 * and prints what it found. Argument: the ZooKeeper connect string.
 */
public final class NoMicrometerProbe {
  private NoMicrometerProbe() {}

  /**
   * Runs the probe.
   *
   * @param args the connect string
   * @throws Exception on any failure (the parent sees the exit status and output)
   */
  public static void main(String[] args) throws Exception {
    boolean micrometer = ModuleLayer.boot().findModule("micrometer.core").isPresent();
    boolean micrometerClass;
    try {
      Class.forName("io.micrometer.core.instrument.MeterRegistry");
      micrometerClass = true;
    } catch (ClassNotFoundException expected) {
      micrometerClass = false;
    }
    System.out.println("micrometer module: " + micrometer + ", class: " + micrometerClass);
    System.out.println(
        "quorate modules: "
            + LockManager.class.getModule().getName()
            + " "
            + ZkLockManager.class.getModule().getName());
    try (LockManager local = LockManager.inProcess()) {
      Lease lease = local.lock("probe").acquire(LockMode.EX);
      local.revoke("probe", lease.token(), "probe", "no micrometer");
      System.out.println("in-process: " + lease.state());
    }
    try (ZkLockManager zk =
        ZkLockManager.builder()
            .connectString(args[0])
            .sessionTimeout(Duration.ofSeconds(5))
            .build()) {
      Lease lease = zk.lock("probe").acquire(LockMode.EX);
      System.out.println("zookeeper holders: " + zk.inspect("probe").holders().size());
      lease.release();
    }
  }
}
