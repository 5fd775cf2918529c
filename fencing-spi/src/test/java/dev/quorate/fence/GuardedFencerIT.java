package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.quorum.MemberId;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumService;
import dev.quorate.quorum.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology guard in front of the real fencer and a real agent process (test-agent.sh, which
 * appends every invocation to its record file). DESIGN.md's layout: node-a and node-b on h1, node-c
 * on h2; node-a failed and node-c asks. A level the guard refuses must start no process.
 */
@Timeout(120)
class GuardedFencerIT {
  @TempDir Path dir;
  private FenceAgent agent;
  private QuorumService quorum;
  private TopologyFenceGuard guard;
  private Path vmRecord;
  private Path hostRecord;

  @BeforeEach
  void setUp() throws Exception {
    agent = FenceAgent.exec("fence_test", TestAgents.install(dir, "test-agent.sh"));
    vmRecord = dir.resolve("virsh-h1.record");
    hostRecord = dir.resolve("ipmi-h1.record");
    Topology topology =
        Topology.builder().member(1, 1, "h1").member(2, 1, "h1").member(3, 1, "h2").build();
    QuorumPolicy policy = QuorumPolicy.builder(topology).build();
    quorum = QuorumService.builder(policy, MemberId.of(3)).build();
    guard =
        TopologyFenceGuard.builder(policy, quorum::state)
            .member("node-a", 1)
            .member("node-b", 2)
            .member("node-c", 3)
            .dedicatedHosts()
            .build();
  }

  @AfterEach
  void tearDown() {
    quorum.close();
  }

  /** A device whose target starts powered on, so a failed off cannot pass as already off. */
  private FenceDevice device(String name, FenceScope scope, Path record, String... extra)
      throws java.io.IOException {
    Files.writeString(dir.resolve(name + ".state"), "on");
    FenceDevice.Builder b =
        FenceDevice.builder(name, "fence_test")
            .scope(scope)
            .option("state_file", dir.resolve(name + ".state").toString())
            .option("record_file", record.toString())
            .plugs(PlugMapping.hostMap(Map.of("node-a", "vm-a")))
            .timeout(Duration.ofSeconds(20));
    if (scope == FenceScope.HOST) {
      b.hosts("h1"); // node-a's host
    }
    for (int i = 0; i < extra.length; i += 2) {
      b.option(extra[i], extra[i + 1]);
    }
    return b.build();
  }

  private FenceResult fence(FenceTopology topology) throws InterruptedException {
    Fencer fencer =
        Fencer.builder(topology, FenceAgents.of(agent), guard)
            .maxAttempts(1)
            .deadline(Duration.ofSeconds(60))
            .build();
    return fencer.fence(FenceRequest.of("node-c", "node-a", FenceAction.OFF, "lost heartbeat"));
  }

  @Test
  void aHostPowerCycleThatCostsQuorumRunsNoAgentAtAll() throws Exception {
    quorum.update(Set.of(MemberId.of(2), MemberId.of(3)));
    FenceTopology onlyHost =
        FenceTopology.builder()
            .device(device("ipmi-h1", FenceScope.HOST, hostRecord))
            .level("node-a", FenceLevel.of(1, "ipmi-h1"))
            .build();

    FenceResult result = fence(onlyHost);

    assertThat(result.status()).isEqualTo(FenceResult.Status.REFUSED);
    assertThat(result.reason()).isEqualTo(FenceReason.REFUSED_SURVIVORS_NOT_QUORATE);
    assertThat(result.outcomes()).isEmpty();
    assertThat(hostRecord).doesNotExist(); // the script records every start: there was none
  }

  @Test
  void aMinorityPartitionRunsNoAgentOnAnyLevel() throws Exception {
    quorum.update(Set.of(MemberId.of(3)));
    FenceTopology twoLevels =
        FenceTopology.builder()
            .device(device("virsh-h1", FenceScope.VM, vmRecord))
            .device(device("ipmi-h1", FenceScope.HOST, hostRecord))
            .level("node-a", FenceLevel.of(1, "virsh-h1"))
            .level("node-a", FenceLevel.of(2, "ipmi-h1"))
            .build();

    FenceResult result = fence(twoLevels);

    assertThat(result.status()).isEqualTo(FenceResult.Status.REFUSED);
    assertThat(result.reason()).isEqualTo(FenceReason.REFUSED_NOT_QUORATE);
    assertThat(result.outcomes()).isEmpty();
    assertThat(vmRecord).doesNotExist();
    assertThat(hostRecord).doesNotExist();
  }

  @Test
  void anAllowedVmLevelFenceRunsTheAgent() throws Exception {
    quorum.update(Set.of(MemberId.of(2), MemberId.of(3)));
    FenceTopology twoLevels =
        FenceTopology.builder()
            .device(device("virsh-h1", FenceScope.VM, vmRecord))
            .device(device("ipmi-h1", FenceScope.HOST, hostRecord))
            .level("node-a", FenceLevel.of(1, "virsh-h1"))
            .level("node-a", FenceLevel.of(2, "ipmi-h1"))
            .build();

    FenceResult result = fence(twoLevels);

    assertThat(result.status()).isEqualTo(FenceResult.Status.SUCCEEDED);
    assertThat(result.level()).isEqualTo(1);
    assertThat(result.reason()).isEqualTo(FenceReason.FENCED);
    assertThat(Files.readString(vmRecord)).contains("invocation action=off port=vm-a");
    assertThat(hostRecord).doesNotExist();
  }

  @Test
  void whenTheVmLevelFailsTheRefusedHostLevelStillStartsNothing() throws Exception {
    quorum.update(Set.of(MemberId.of(2), MemberId.of(3)));
    FenceTopology twoLevels =
        FenceTopology.builder()
            .device(device("virsh-h1", FenceScope.VM, vmRecord, "fail_actions", "off"))
            .device(device("ipmi-h1", FenceScope.HOST, hostRecord))
            .level("node-a", FenceLevel.of(1, "virsh-h1"))
            .level("node-a", FenceLevel.of(2, "ipmi-h1"))
            .build();
    Fencer fencer =
        Fencer.builder(twoLevels, FenceAgents.of(agent), guard)
            .maxAttempts(1)
            .deadline(Duration.ofSeconds(60))
            .build();

    FenceResult result =
        fencer.fence(FenceRequest.of("node-c", "node-a", FenceAction.OFF, "lost heartbeat"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.reason()).isEqualTo(FenceReason.REFUSED_SURVIVORS_NOT_QUORATE);
    assertThat(Files.readString(vmRecord)).contains("invocation action=off");
    assertThat(hostRecord).doesNotExist();
    assertThat(fencer.history().forTarget("node-a"))
        .anySatisfy(r -> assertThat(r.reason()).isEqualTo(FenceReason.AGENT_FAILED))
        .anySatisfy(
            r -> {
              assertThat(r.reason()).isEqualTo(FenceReason.REFUSED_SURVIVORS_NOT_QUORATE);
              assertThat(r.explanation()).contains("1 vote", "threshold 2");
            });
  }
}
