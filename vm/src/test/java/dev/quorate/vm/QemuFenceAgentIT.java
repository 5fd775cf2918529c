package dev.quorate.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.fence.AgentRequest;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgent;
import dev.quorate.fence.FenceAgents;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceGuard;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceRequest;
import dev.quorate.fence.FenceResult;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Fencer;
import dev.quorate.fence.PlugMapping;
import dev.quorate.fence.PowerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** fence_quorate_qemu, the shipped script, driven by fencing-spi's Fencer against real guests. */
@Timeout(300)
class QemuFenceAgentIT {
  private static final Duration BOOT = Duration.ofSeconds(90);

  @TempDir Path dir;
  private FenceAgent agent;
  private Path host;

  @BeforeEach
  void setUp() throws Exception {
    TestGuest.image(); // skips without QEMU
    host = dir.resolve("host-a");
    // The shipped script finds its classes through QUORATE_VM_CLASSPATH; the wrapper sets it to
    // this test's class path, which holds target/classes.
    Path script =
        Path.of(
                System.getProperty(
                    "quorate.vm.agent.script", "src/main/scripts/fence_quorate_qemu"))
            .toAbsolutePath();
    Path wrapper = dir.resolve("fence_quorate_qemu");
    Files.writeString(
        wrapper,
        "#!/bin/sh\nQUORATE_VM_CLASSPATH='"
            + System.getProperty("java.class.path")
            + "' exec '"
            + script
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    agent = FenceAgent.exec("fence_quorate_qemu", wrapper);
  }

  private FenceDevice device(String name) {
    return FenceDevice.builder(name, "fence_quorate_qemu")
        .option("qemu_dir", host.toString())
        .option("qmp_timeout", "3")
        .plugs(PlugMapping.hostMap(Map.of("vm-f", "vm-f")))
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  private PowerStatus status(FenceDevice device, String vm) throws InterruptedException {
    return agent.status(AgentRequest.of(device, FenceAction.STATUS).withPlug(vm)).power();
  }

  @Test
  void theFencerPowersARunningGuestOffAndStatusThenReportsOff() throws Exception {
    FenceDevice device = device("qemu-a");
    try (QemuGuest vm =
        TestGuest.guest("vm-f", 1, host).disk(TestGuest.newDisk(dir, "vm-f")).build()) {
      vm.start();
      vm.awaitConsole(GuestRecord::isRecord, BOOT);
      assertThat(status(device, "vm-f")).isEqualTo(PowerStatus.ON);
      assertThat(agent.list(AgentRequest.of(device, FenceAction.LIST)).toString()).contains("vm-f");

      FenceTopology topology =
          FenceTopology.builder().device(device).level("vm-f", FenceLevel.of(1, "qemu-a")).build();
      Fencer fencer =
          Fencer.builder(topology, FenceAgents.of(agent), FenceGuard.allowAllForTests())
              .deadline(Duration.ofSeconds(120))
              .build();
      FenceResult result = fencer.fence(FenceRequest.of("node-b", "vm-f", FenceAction.OFF, "t"));

      assertThat(result.succeeded()).as(result.toString()).isTrue();
      assertThat(vm.status()).isEqualTo(GuestStatus.OFF);
      assertThat(status(device, "vm-f")).isEqualTo(PowerStatus.OFF);
    }
  }

  @Test
  void aGuestWhoseQmpDoesNotAnswerIsKilled() throws Exception {
    FenceDevice device = device("qemu-a");
    try (QemuGuest vm =
        TestGuest.guest("vm-h", 1, host).disk(TestGuest.newDisk(dir, "vm-h")).build()) {
      vm.start();
      // A QEMU that is stopped with SIGSTOP answers nothing, like a hung one.
      long pid = vm.pid().orElseThrow();
      Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
      assertThat(stop.waitFor()).isZero();

      var off = agent.perform(AgentRequest.of(device, FenceAction.OFF).withPlug("vm-h"));

      assertThat(off.succeeded()).as(off.toString()).isTrue();
      assertThat(off.detail()).contains("killed pid " + pid);
      assertThat(vm.status()).isEqualTo(GuestStatus.OFF);
      assertThat(status(device, "vm-h")).isEqualTo(PowerStatus.OFF);
    }
  }

  @Test
  void statusOfAnUnknownGuestIsOffAndOnIsRefused() throws Exception {
    Files.createDirectories(host);
    FenceDevice device = device("qemu-a");
    assertThat(status(device, "vm-none")).isEqualTo(PowerStatus.OFF);
    var on = agent.perform(AgentRequest.of(device, FenceAction.ON).withPlug("vm-none"));
    assertThat(on.succeeded()).isFalse();
    assertThat(on.detail()).contains("started by its owner");
    assertThat(agent.metadata(Duration.ofSeconds(30)).parameter("qemu_dir")).isPresent();
  }
}
