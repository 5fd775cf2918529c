package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quorate.lock.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The failure modes a real agent cannot show, from test-agent.sh speaking the stdin protocol. */
@Timeout(120)
class ScriptedAgentIT {
  private static final String CANARY = "Canary-script-91b2";

  @TempDir Path dir;
  private FenceAgent agent;
  private Path state;
  private Path record;

  @BeforeEach
  void setUp() throws Exception {
    agent = FenceAgent.exec("fence_test", TestAgents.install(dir, "test-agent.sh"));
    state = dir.resolve("state");
    record = dir.resolve("record");
  }

  private FenceDevice.Builder device(String name) {
    return FenceDevice.builder(name, "fence_test")
        .option("state_file", state.toString())
        .option("record_file", record.toString())
        .secret("password", Secret.of(CANARY))
        .timeout(Duration.ofSeconds(20));
  }

  @Test
  void malformedListAndMetadataFailWithClearErrors() {
    FenceDevice d = device("d").option("garbage_actions", "list,metadata").build();
    assertThatThrownBy(() -> agent.list(AgentRequest.of(d, FenceAction.LIST)))
        .isInstanceOf(FenceAgentException.class)
        .hasMessageContaining("line 2")
        .satisfies(
            e -> assertThat(((FenceAgentException) e).code()).isEqualTo(ErrorCode.CORRUPT_DATA));
  }

  @Test
  void aStatusWhoseTextContradictsItsExitCodeIsUnknown() throws Exception {
    FenceDevice d = device("d").option("garbage_actions", "status").build();
    StatusReport report = agent.status(AgentRequest.of(d, FenceAction.STATUS));
    assertThat(report.power()).isEqualTo(PowerStatus.UNKNOWN);
    assertThat(report.outcome().succeeded()).isFalse();
    assertThat(report.outcome().detail()).contains("Status: OFF");
  }

  @Test
  void aNonZeroExitIsAFailedOutcomeWithTheAgentsWords() throws Exception {
    FenceDevice d = device("d").option("fail_actions", "off").build();
    FenceOutcome off = agent.perform(AgentRequest.of(d, FenceAction.OFF));
    assertThat(off.succeeded()).isFalse();
    assertThat(off.exitCode()).isEqualTo(1);
    assertThat(off.detail()).contains("refused off").doesNotContain(CANARY);
  }

  @Test
  void aHangingAgentIsKilledWithItsChildrenAtTheTimeout() throws Exception {
    Path pidFile = dir.resolve("child.pid");
    FenceDevice d =
        device("d").option("hang_actions", "off").option("pid_file", pidFile.toString()).build();

    FenceOutcome off =
        agent.perform(AgentRequest.of(d, FenceAction.OFF).withTimeout(Duration.ofSeconds(2)));

    assertThat(off.timedOut()).isTrue();
    assertThat(off.succeeded()).isFalse();
    long child = Long.parseLong(Files.readString(pidFile).strip());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void aDeviceThatRefusesToPowerOffAnOffHostStillFencesWhenStatusShowsOff() throws Exception {
    Files.writeString(state, "off");
    FenceDevice d = device("pdu").option("refuse_off_when_off", "1").build();
    FenceTopology topology =
        FenceTopology.builder().device(d).level("node-a", FenceLevel.of(1, "pdu")).build();
    Fencer fencer =
        Fencer.builder(topology, FenceAgents.of(agent), FenceGuard.allowAllForTests()).build();

    FenceResult result = fencer.fence(FenceRequest.of("node-c", "node-a", FenceAction.OFF, "t"));

    assertThat(result.succeeded()).isTrue();
    assertThat(result.reason()).isEqualTo(FenceReason.FENCED_ALREADY_OFF);
    assertThat(result.outcomes().get(0).succeeded()).isFalse();
  }

  @Test
  void aRefusedFenceRunsNoAgentAtAll() throws Exception {
    FenceTopology topology =
        FenceTopology.builder()
            .device(device("vm").build())
            .device(device("host").scope(FenceScope.HOST).hosts("h1").build())
            .level("node-a", FenceLevel.of(1, "vm"))
            .level("node-a", FenceLevel.of(2, "host"))
            .build();
    FenceGuard veto =
        p -> FenceDecision.refuse(FenceReason.VETO_TARGET_ALIVE, "node-a heartbeats on the qdisk");
    FenceResult result =
        Fencer.builder(topology, FenceAgents.of(agent), veto)
            .build()
            .fence(FenceRequest.of("node-c", "node-a", FenceAction.REBOOT, "t"));

    assertThat(result.status()).isEqualTo(FenceResult.Status.REFUSED);
    assertThat(result.outcomes()).isEmpty();
    assertThat(record).doesNotExist(); // the script records every invocation: there was none
  }

  @Test
  void theCanaryPasswordReachesOnlyTheAgentsStdin() throws Exception {
    List<String> seen = new ArrayList<>();
    try (LogCapture logs = new LogCapture()) {
      FenceDevice ok = device("ok").build();
      FenceDevice bad = device("bad").option("fail_actions", "off,list").build();
      seen.add(agent.perform(AgentRequest.of(ok, FenceAction.ON)).toString());
      seen.add(agent.status(AgentRequest.of(ok, FenceAction.STATUS)).toString());
      seen.add(agent.perform(AgentRequest.of(bad, FenceAction.OFF)).toString());
      seen.add(ok.toString());
      seen.add(agent.toString());
      try {
        agent.list(AgentRequest.of(bad, FenceAction.LIST));
      } catch (FenceAgentException e) {
        seen.add(e.toString());
      }
      FenceTopology topology =
          FenceTopology.builder().device(bad).level("node-a", FenceLevel.of(1, "bad")).build();
      FenceResult result =
          Fencer.builder(topology, FenceAgents.of(agent), FenceGuard.allowAllForTests())
              .maxAttempts(1)
              .build()
              .fence(FenceRequest.of("node-c", "node-a", FenceAction.OFF, "t"));
      seen.add(result.toString());
      seen.addAll(logs.lines());
    }
    // The script echoed the password to stderr (as fence-agents does); it was masked.
    assertThat(seen).anySatisfy(s -> assertThat(s).contains("password=***"));
    assertThat(seen).allSatisfy(s -> assertThat(s).doesNotContain(CANARY));
    // /proc/PID/cmdline and environ of every agent process, as the agent itself read them.
    String recorded = Files.readString(record);
    assertThat(recorded).contains("cmdline=").contains("test-agent.sh").doesNotContain(CANARY);
    assertThat(recorded.lines().filter(l -> l.startsWith("cmdline=")).count()).isGreaterThan(4);
  }
}
