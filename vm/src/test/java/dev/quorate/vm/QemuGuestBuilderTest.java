package dev.quorate.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The builder fails fast on what QEMU would refuse later, or misread. */
@Timeout(10)
class QemuGuestBuilderTest {
  private static QemuGuestBuilder valid() {
    return QemuGuest.builder("vm-1")
        .kernel(Path.of("/boot/vmlinuz"))
        .initrd(Path.of("/boot/initrd"))
        .runtimeDir(Path.of("/run/q"));
  }

  @Test
  void badNamesAndValuesAreRefusedWithTheValue() {
    assertThatThrownBy(() -> QemuGuest.builder("vm 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'vm 1'");
    assertThatThrownBy(() -> valid().memoryMib(8)).hasMessageContaining("not 8");
    assertThatThrownBy(() -> valid().commandTimeout(Duration.ZERO))
        .hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> valid().disk(Path.of("/tmp/a,b.img"))).hasMessageContaining("','");
    assertThatThrownBy(() -> valid().disk(URI.create("http://x/y")))
        .hasMessageContaining("http://x/y");
  }

  @Test
  void aGuestNeedsKernelInitrdAndARuntimeDirWithShortSocketPaths() {
    assertThatThrownBy(() -> QemuGuest.builder("vm-1").kernel(Path.of("/k")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs kernel, initrd and runtimeDir");
    Path deep = Path.of("/tmp", "d".repeat(100));
    assertThatThrownBy(() -> valid().runtimeDir(deep).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("longer than 107 bytes");
  }

  @Test
  void toBuilderKeepsTheSettingsForAMigrationTarget() {
    QemuGuest guest = valid().disk(URI.create("nbd://127.0.0.1:10809/vm-1")).memoryMib(128).build();
    QemuGuest target = guest.toBuilder().runtimeDir(Path.of("/run/b")).build();
    assertThat(target.name()).isEqualTo("vm-1");
    assertThat(target.qmpSocket()).isEqualTo(Path.of("/run/b/vm-1.qmp"));
    assertThat(target.pid()).isEmpty();
    assertThat(target.accelInUse()).isEmpty();
  }
}
