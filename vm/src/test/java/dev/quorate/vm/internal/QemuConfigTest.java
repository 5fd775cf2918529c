package dev.quorate.vm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.vm.Accel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class QemuConfigTest {
  private static QemuConfig config(boolean incoming, boolean paused) {
    return new QemuConfig(
        "vm-1",
        Path.of("/k"),
        Path.of("/i"),
        "console=ttyS0",
        "nbd://127.0.0.1:10809/vm-1@7",
        128,
        Accel.TCG,
        Path.of("/run/a"),
        "qemu-system-x86_64",
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        incoming,
        paused);
  }

  @Test
  void aPausedStartStopsTheCpusButStillOpensTheDisk() {
    List<String> paused = config(false, true).command(false);
    assertThat(paused)
        .contains("-S")
        .contains("file=nbd://127.0.0.1:10809/vm-1@7,format=raw,if=virtio");
    assertThat(config(false, false).command(false)).doesNotContain("-S");
  }

  @Test
  void anIncomingInstanceListensOnItsMigrationSocket() {
    assertThat(config(true, false).command(false))
        .containsSequence("-incoming", "unix:/run/a/vm-1.migrate");
  }
}
