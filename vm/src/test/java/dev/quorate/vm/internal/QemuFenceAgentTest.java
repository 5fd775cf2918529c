package dev.quorate.vm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent's answers when it cannot tell whether a guest runs, with no QEMU at all. */
@Timeout(10)
class QemuFenceAgentTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String action) throws Exception {
    Map<String, String> options = new HashMap<>();
    options.put("action", action);
    options.put("port", "vm-1");
    options.put("qemu_dir", dir.toString());
    return new QemuFenceAgent(
            options,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run();
  }

  @Test
  void aGuestWithoutAPidFileIsOff() throws Exception {
    assertThat(run("status")).isEqualTo(2);
    assertThat(run("off")).isZero();
  }

  @Test
  void aCorruptPidFileIsAnErrorNeverOff() throws Exception {
    Files.writeString(dir.resolve("vm-1.pid"), "not a pid\n");

    assertThat(run("status")).as("status").isEqualTo(1);
    assertThat(run("off")).as("off").isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("cannot tell whether guest vm-1 runs");
  }
}
