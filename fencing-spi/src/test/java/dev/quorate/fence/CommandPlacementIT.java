package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.QuorateException;
import dev.quorate.quorum.Membership;
import dev.quorate.quorum.QuorumPolicy;
import dev.quorate.quorum.QuorumState;
import dev.quorate.quorum.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PlacementSource#command} with real processes: a hypervisor script printing {@code member
 * host} lines, and the ways such a script goes wrong. A read that cannot be trusted throws, and the
 * guard turns that into a refusal of every host-level fence.
 */
@Timeout(60)
class CommandPlacementIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static PlacementSource script(String shell) {
    return PlacementSource.command(List.of("sh", "-c", shell), TIMEOUT);
  }

  @Test
  void readsMemberHostLinesSkippingCommentsAndBlankLines() {
    Placement placement =
        script("printf '# virsh list on h1 and h2\\n\\nnode-a h1\\n  node-b\\th1  \\nnode-c h2\\n'")
            .read();

    assertThat(placement.hosts())
        .containsExactlyInAnyOrderEntriesOf(Map.of("node-a", "h1", "node-b", "h1", "node-c", "h2"));
    assertThat(placement.membersOn("h1")).containsExactly("node-a", "node-b");
  }

  @Test
  void aLineThatIsNotTwoNamesFailsTheReadNamingTheLine() {
    assertThatThrownBy(() -> script("printf 'node-a h1\\nnode-b h2 migrating\\n'").read())
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("placement line 2 'node-b h2 migrating'")
        .hasMessageContaining("two fields");
    assertThatThrownBy(() -> script("printf 'node-a h1\\nnode-b $(reboot)\\n'").read())
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("placement line 2")
        .hasMessageContaining("$(reboot)");
    assertThatThrownBy(() -> script("printf 'node-a h1\\nnode-a h2\\n'").read())
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("placement line 2 'node-a h2'")
        .hasMessageContaining("placed twice (h1, h2)");
  }

  @Test
  void aFailingCommandFailsTheReadWithItsExitCodeAndMessage() {
    assertThatThrownBy(
            () -> script("echo 'node-a h1'; echo 'cannot reach hypervisor h2' >&2; exit 3").read())
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("exited 3")
        .hasMessageContaining("cannot reach hypervisor h2");
    assertThatThrownBy(
            () -> PlacementSource.command(List.of("/nonexistent/vm-placement"), TIMEOUT).read())
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("cannot run");
  }

  @Test
  void aHangingCommandIsKilledAtItsTimeoutWithItsChildren(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    PlacementSource hanging =
        PlacementSource.command(
            List.of("sh", "-c", "sleep 300 & echo $! > " + pidFile + "; wait"),
            Duration.ofMillis(500));

    long start = System.nanoTime();
    assertThatThrownBy(hanging::read)
        .isInstanceOf(QuorateException.class)
        .hasMessageContaining("did not finish in PT0.5S");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(8));
    long child = Long.parseLong(Files.readString(pidFile).strip());
    // SIGKILL is sent before read() returns; the kernel may take a moment to reap the child.
    org.awaitility.Awaitility.await("the command's child was killed with it")
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void theGuardRefusesEveryHostLevelFenceWhenThePlacementCommandHangsOrLies() {
    Topology layout =
        Topology.builder().member(1, 1, "h1").member(2, 1, "h2").member(3, 1, "h3").build();
    QuorumPolicy policy = QuorumPolicy.builder(layout).build();
    QuorumState all = policy.evaluate(policy.initialState(), Membership.ofIds(1, 2, 3), 1);
    QuorumState state = policy.evaluate(all, Membership.ofIds(2, 3), 2);
    FenceProposal hostLevel =
        new FenceProposal(
            FenceRequest.of("node-c", "node-a", FenceAction.OFF, "lost"),
            FenceLevel.of(2, "ipmi-h1"),
            List.of(
                FenceDevice.builder("ipmi-h1", "fence_ipmilan")
                    .scope(FenceScope.HOST)
                    .hosts("h1")
                    .build()));

    for (PlacementSource broken :
        List.of(
            PlacementSource.command(List.of("sleep", "300"), Duration.ofMillis(300)),
            script("printf 'node-a h1 h2\\n'"),
            script("exit 1"))) {
      TopologyFenceGuard guard =
          TopologyFenceGuard.builder(policy, () -> state)
              .member("node-a", 1)
              .member("node-b", 2)
              .member("node-c", 3)
              .placement(broken)
              .dedicatedHosts()
              .build();

      FenceDecision decision = guard.decide(hostLevel);

      assertThat(decision.allowed()).isFalse();
      assertThat(decision.reason())
          .as(decision.explanation())
          .isEqualTo(FenceReason.REFUSED_PLACEMENT_UNKNOWN);
      assertThat(decision.explanation()).contains("placement command");
    }

    TopologyFenceGuard working =
        TopologyFenceGuard.builder(policy, () -> state)
            .member("node-a", 1)
            .member("node-b", 2)
            .member("node-c", 3)
            .placement(script("printf 'node-a h1\\nnode-b h2\\nnode-c h3\\n'"))
            .dedicatedHosts()
            .build();
    assertThat(working.decide(hostLevel).reason()).isEqualTo(FenceReason.ALLOWED_SURVIVORS_QUORATE);
  }
}
