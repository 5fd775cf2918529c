package dev.quorate.disklease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.Mechanism;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code LockManager.open} selects the disk lock manager by properties alone. */
@Timeout(60)
class DiskLeaseProviderIT {
  @TempDir Path dir;

  private Properties config() throws Exception {
    LeaseArea area = LeaseArea.create(4, 16, LeaseTiming.forIoTimeout(Duration.ofMillis(500)));
    List<Path> disks = LeaseFiles.in(dir, 3, area);
    Properties config = new Properties();
    config.setProperty("quorate.lock.provider", "disk");
    config.setProperty(
        "quorate.lock.disk.paths",
        disks.stream().map(Path::toString).collect(Collectors.joining(",")));
    config.setProperty("quorate.lock.disk.host-id", "1");
    config.setProperty("quorate.lock.disk.host-name", "node-a");
    config.setProperty("quorate.lock.disk.self-fence", "none");
    return config;
  }

  @Test
  void propertiesSelectTheDiskLockManager() throws Exception {
    try (LockManager manager = LockManager.open(config())) {
      assertThat(manager.mechanism().kind()).isEqualTo(Mechanism.Kind.STORAGE_LEASE);
      assertThat(manager.mechanism().detail()).contains("host id 1", "'node-a'");
      try (Lease lease = manager.lock("volume/7").acquire(LockMode.EX)) {
        assertThat(lease.token().major()).isPositive();
      }
    }
  }

  @Test
  void badSettingsAreRefusedNamingTheValue() throws Exception {
    Properties unknown = config();
    unknown.setProperty("quorate.lock.disk.host-ids", "1");
    assertThatThrownBy(() -> LockManager.open(unknown))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("quorate.lock.disk.host-ids");
    Properties badId = config();
    badId.setProperty("quorate.lock.disk.host-id", "one");
    assertThatThrownBy(() -> LockManager.open(badId))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'one'");
    Properties outOfRange = config();
    outOfRange.setProperty("quorate.lock.disk.host-id", "5");
    assertThatThrownBy(() -> LockManager.open(outOfRange))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("host id 5 not in 1..4");
    Properties twoDisks = config();
    twoDisks.setProperty(
        "quorate.lock.disk.paths",
        twoDisks.getProperty("quorate.lock.disk.paths").replaceFirst(",[^,]*$", ""));
    assertThatThrownBy(() -> LockManager.open(twoDisks))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("1, 3 or 5 lease disks")
        .hasMessageContaining("got 2");
    Properties fence = config();
    fence.setProperty("quorate.lock.disk.self-fence", "reboot");
    assertThatThrownBy(() -> LockManager.open(fence))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'reboot'");
  }
}
