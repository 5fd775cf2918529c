package dev.quorate.samples.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.fence.AgentRequest;
import dev.quorate.fence.FenceAction;
import dev.quorate.fence.FenceAgent;
import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceOutcome;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.PlugMapping;
import dev.quorate.fence.PowerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The simulated power switch speaks the fence-agents protocol through the exec adapter. */
@Timeout(30)
class PowerSwitchIT {
  @Test
  void offKillsThePlugsProcessesAndStatusFollowsThePower(@TempDir Path work) throws Exception {
    PowerSwitch power = PowerSwitch.in(work);
    power.install();
    // A stand-in for a demo process: its command line carries the demo's package name.
    Process vm =
        new ProcessBuilder(
                "sh", "-c", "while :; do sleep 1; done", "dev.quorate.samples.failover.Stand-in")
            .start();
    // A stand-in for a guest's QEMU: its command line names a pid file in the demo's run/.
    Process qemu =
        new ProcessBuilder(
                "sh",
                "-c",
                "while :; do sleep 1; done",
                VmRunner.runtimeDir(work, "host-x").resolve("vm-1.pid").toString())
            .start();
    Process stranger = new ProcessBuilder("sh", "-c", "while :; do sleep 1; done").start();
    try {
      power.connect("host-x", vm.pid());
      power.connect("host-x", qemu.pid());
      power.connect("host-x", stranger.pid());
      FenceAgent agent = power.agents().agent(PowerSwitch.AGENT);
      FenceDevice device =
          power.device(
              "switch", FenceScope.HOST, PlugMapping.staticList(Set.of("host-x")), "host-x");
      AgentRequest request =
          AgentRequest.of(device, FenceAction.OFF)
              .withPlug("host-x")
              .withTimeout(Duration.ofSeconds(10));

      assertThat(agent.status(request).power()).isEqualTo(PowerStatus.ON);
      FenceOutcome off = agent.perform(request);
      assertThat(off.succeeded()).as(off.toString()).isTrue();
      assertThat(vm.waitFor(5, TimeUnit.SECONDS)).as("the powered process is killed").isTrue();
      assertThat(qemu.waitFor(5, TimeUnit.SECONDS)).as("the host's QEMU is killed").isTrue();
      assertThat(stranger.isAlive()).as("a pid that is not the demo's is never killed").isTrue();
      assertThat(agent.status(request).power()).isEqualTo(PowerStatus.OFF);
      assertThat(power.power("host-x")).isEqualTo("off");

      assertThat(agent.perform(request.withAction(FenceAction.ON)).succeeded()).isTrue();
      assertThat(agent.status(request).power()).isEqualTo(PowerStatus.ON);
      assertThat(agent.list(request).plugs()).anyMatch(plug -> plug.id().equals("host-x"));
      assertThat(agent.metadata(Duration.ofSeconds(10)).toString()).contains("fence_demo_power");
    } finally {
      vm.destroyForcibly();
      qemu.destroyForcibly();
      stranger.destroyForcibly();
    }
  }

  @Test
  void anUnknownPlugIsAnErrorNotAnOff(@TempDir Path work) throws Exception {
    PowerSwitch power = PowerSwitch.in(work);
    power.install();
    FenceAgent agent = power.agents().agent(PowerSwitch.AGENT);
    FenceDevice device =
        power.device(
            "switch", FenceScope.HOST, PlugMapping.staticList(Set.of("nowhere")), "nowhere");
    AgentRequest request = AgentRequest.of(device, FenceAction.OFF).withPlug("nowhere");

    FenceOutcome off = agent.perform(request);
    assertThat(off.succeeded()).isFalse();
    assertThat(off.detail()).contains("unknown plug 'nowhere'");
    assertThat(agent.status(request).power()).isEqualTo(PowerStatus.UNKNOWN);
  }
}
