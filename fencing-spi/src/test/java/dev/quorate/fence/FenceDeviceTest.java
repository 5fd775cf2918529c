package dev.quorate.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class FenceDeviceTest {
  private static final String CANARY = "Canary-7f3a9c";

  @Test
  void secretsAreRedactedInToStringOfSecretAndDevice() {
    FenceDevice device =
        FenceDevice.builder("ipmi-h1", "fence_ipmilan")
            .option("ip", "10.0.0.21")
            .secret("password", Secret.of(CANARY))
            .build();

    assertThat(Secret.of(CANARY).toString()).isEqualTo("Secret[***]").doesNotContain(CANARY);
    assertThat(device.toString()).doesNotContain(CANARY).contains("password=Secret[***]");
    assertThat(device.secrets().get("password").reveal()).isEqualTo(CANARY);
    assertThat(Secret.of(CANARY)).isEqualTo(Secret.of(CANARY)).isNotEqualTo(Secret.of("other"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb", "a\rb", "a\0b", " lead", "trail ", "\"quoted\""})
  void valuesThatWouldNotReachTheAgentUnchangedAreRefusedNamingTheKey(String value) {
    assertThatThrownBy(() -> FenceDevice.builder("d", "fence_x").option("ssl", value).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'ssl'");
  }

  @Test
  void aBadSecretIsRefusedWithoutShowingIt() {
    assertThatThrownBy(
            () ->
                FenceDevice.builder("d", "fence_x")
                    .secret("password", Secret.of(CANARY + "\naction=on"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'password'")
        .hasMessageNotContaining(CANARY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"vm1; reboot", "vm1$(id)", "vm`id`", "vm|x", "vm 1", "-rf", "a>b"})
  void shellMetacharactersAreRefusedInPlugsAndHostNames(String name) {
    assertThatThrownBy(() -> PlugMapping.hostMap(java.util.Map.of("node-a", name)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("plug");
    assertThatThrownBy(() -> FenceDevice.builder("d", "fence_x").option("ip", name).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("ip");
  }

  @ParameterizedTest
  @ValueSource(strings = {"action", "port", "plug", "nodename"})
  void reservedKeysCannotBeSetByADevice(String key) {
    assertThatThrownBy(() -> FenceDevice.builder("d", "fence_x").option(key, "x").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad key", "1abc", "a=b", "#comment", ""})
  void keysMustBeOptionNames(String key) {
    assertThatThrownBy(() -> FenceDevice.builder("d", "fence_x").option(key, "x").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("key");
  }

  @Test
  void agentNamesCannotBePaths() {
    assertThatThrownBy(() -> FenceDevice.builder("d", "/usr/sbin/fence_x").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("agent name");
  }

  @Test
  void passwordsWithShellCharactersAreFineBecauseNoShellSeesThem() {
    FenceDevice d =
        FenceDevice.builder("d", "fence_x")
            .secret("password", Secret.of("p$a;s|s`w'o\"rd"))
            .build();
    assertThat(d.secrets()).containsKey("password");
  }
}
