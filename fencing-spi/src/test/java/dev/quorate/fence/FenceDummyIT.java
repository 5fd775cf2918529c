package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real fence_dummy of Debian's fence-agents package over the stdin protocol. Skipped
 * where the package is not installed, except under CI=true, where that fails the build.
 */
@Timeout(120)
class FenceDummyIT {
  private static final String CANARY = "Canary-dummy-5e1f";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private FenceAgent agent;
  private FenceDevice device;
  private Path statusFile;

  @BeforeAll
  static void requireFenceDummy() {
    if (!Files.isExecutable(TestAgents.FENCE_DUMMY)) {
      String message =
          TestAgents.FENCE_DUMMY
              + " is missing: install Debian's fence-agents package (apt-get install fence-agents)";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
  }

  @BeforeEach
  void setUp() {
    agent = FenceAgents.load().agent("fence_dummy");
    statusFile = dir.resolve("power.status");
    // fence_dummy takes no password; it echoes unknown options with their value to stderr,
    // which is exactly the leak the adapter must redact.
    device =
        FenceDevice.builder("dummy", "fence_dummy")
            .option("status_file", statusFile.toString())
            .secret("password", Secret.of(CANARY))
            .timeout(TIMEOUT)
            .build();
  }

  @Test
  void metadataDescribesTheAgent() throws Exception {
    AgentMetadata meta = agent.metadata(TIMEOUT);
    assertThat(meta.agent()).isEqualTo("fence_dummy");
    assertThat(meta.parameter("status_file")).isPresent();
    assertThat(meta.actions())
        .contains(
            FenceAction.ON,
            FenceAction.OFF,
            FenceAction.REBOOT,
            FenceAction.STATUS,
            FenceAction.MONITOR,
            FenceAction.VALIDATE_ALL);
  }

  @Test
  void statusOffOnAndRebootFollowThePowerFile() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      // No status file yet: fence_dummy reports off.
      assertThat(status()).isEqualTo(PowerStatus.OFF);

      FenceOutcome on = agent.perform(AgentRequest.of(device, FenceAction.ON));
      assertThat(on.succeeded()).as(on.detail()).isTrue();
      assertThat(Files.readString(statusFile)).isEqualTo("on");
      assertThat(status()).isEqualTo(PowerStatus.ON);

      FenceOutcome off = agent.perform(AgentRequest.of(device, FenceAction.OFF));
      assertThat(off.succeeded()).isTrue();
      assertThat(status()).isEqualTo(PowerStatus.OFF);

      FenceOutcome reboot = agent.perform(AgentRequest.of(device, FenceAction.REBOOT));
      assertThat(reboot.succeeded()).isTrue();
      assertThat(reboot.detail()).contains("Rebooted");
      assertThat(status()).isEqualTo(PowerStatus.ON);

      assertThat(agent.perform(AgentRequest.of(device, FenceAction.MONITOR)).succeeded()).isTrue();
      assertThat(agent.perform(AgentRequest.of(device, FenceAction.VALIDATE_ALL)).succeeded())
          .isTrue();

      // The agent echoed the password on stderr; what we kept shows the mask instead.
      assertThat(off.detail()).contains("password=***").doesNotContain(CANARY);
      assertThat(off.toString()).doesNotContain(CANARY);
      assertThat(logs.lines()).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(CANARY));
    }
  }

  @Test
  void fenceDummyHasNoPlugListSoListFailsClearly() {
    assertThatThrownBy(() -> agent.list(AgentRequest.of(device, FenceAction.LIST)))
        .isInstanceOf(FenceAgentException.class)
        .hasMessageContaining("fence_dummy list exited 1")
        .hasMessageNotContaining(CANARY);
  }

  @Test
  void aFencerFencesThroughFenceDummyAndVerifiesOff() throws Exception {
    Files.writeString(statusFile, "on");
    FenceTopology topology =
        FenceTopology.builder().device(device).level("node-a", FenceLevel.of(1, "dummy")).build();
    Fencer fencer =
        Fencer.builder(topology, FenceAgents.load(), FenceGuard.allowAllForTests())
            .deadline(Duration.ofSeconds(60))
            .build();

    FenceResult result =
        fencer.fence(FenceRequest.of("node-c", "node-a", FenceAction.OFF, "integration test"));

    assertThat(result.reason()).as(result.explanation()).isEqualTo(FenceReason.FENCED);
    assertThat(result.outcomes())
        .extracting(FenceOutcome::action)
        .containsExactly(FenceAction.OFF, FenceAction.STATUS);
    assertThat(Files.readString(statusFile)).isEqualTo("off");
  }

  private PowerStatus status() throws InterruptedException {
    return agent.status(AgentRequest.of(device, FenceAction.STATUS)).power();
  }
}
