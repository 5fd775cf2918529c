package dev.quorate.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.fence.FenceDevice;
import dev.quorate.fence.FenceLevel;
import dev.quorate.fence.FenceScope;
import dev.quorate.fence.FenceTopology;
import dev.quorate.fence.Secret;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.quorum.QuorumService;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the documentation's examples that need no disk, server or fence device, and checks them. */
@Timeout(30)
class DocExamplesTest {
  @Test
  void quorumPageSplitKeepsQuorumOnMemberOnesHalf() {
    QuorumService quorum = QuorumAndFencingExamples.fourHypervisorsSplitInHalf();

    assertThat(quorum.state().quorate()).as("%s", quorum.state()).isTrue();
    assertThat(quorum.grantsAllowed()).isTrue();
  }

  @Test
  void scenarioOneRefusesTwoNodeOnOneHost() {
    assertThatThrownBy(ScenarioExamples::twoNodeOnOneHost)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("hv-1");
  }

  @Test
  void scenarioThreeFencesTheStandbyOnlyThroughTheHypervisor() {
    FenceTopology fencing =
        ScenarioExamples.passiveApplianceFencing(Secret.of("ipmi-pw"), Secret.of("virsh-pw"));

    List<FenceLevel> standby = fencing.levels("db-standby");
    assertThat(standby).hasSize(1);
    assertThat(fencing.devices(standby.get(0)))
        .extracting(FenceDevice::scope)
        .containsOnly(FenceScope.VM);
    assertThat(fencing.devices(fencing.levels("db-active").get(0)))
        .extracting(FenceDevice::scope)
        .containsOnly(FenceScope.HOST);
    assertThat(fencing.toString()).doesNotContain("ipmi-pw", "virsh-pw");
  }

  @Test
  void scenarioFourWarnsAboutTheActiveAppliance() {
    assertThat(ScenarioExamples.activeApplianceWarnings())
        .containsExactly(
            "host appliance-1 runs members [1, 2] with 2 of 3 votes: losing it leaves 1, below the"
                + " threshold 2");
  }
}
