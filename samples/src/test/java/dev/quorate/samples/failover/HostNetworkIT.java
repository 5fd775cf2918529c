package dev.quorate.samples.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hosts' namespaces on this machine: a host reaches the services on the bridge through its own
 * link, and a host cut off (its link down) reaches nothing while the other host still does.
 */
@Timeout(60)
class HostNetworkIT {
  private static final Map<String, Integer> HOSTS = Map.of("host-a", 1, "host-b", 2);

  @Test
  void aHostCutOffReachesNothingWhileTheOtherStillDoes() throws Exception {
    try (HostNetwork network = HostNetwork.open(HOSTS);
        ServerSocket service =
            new ServerSocket(0, 50, InetAddress.getByName(network.serviceAddress()))) {
      assumeTrue(network.reason().isEmpty(), () -> "no namespaces here: " + network.describe());
      int port = service.getLocalPort();

      assertThat(connects(network, "host-a", port)).as("host-a before the cut").isTrue();
      assertThat(connects(network, "host-b", port)).as("host-b before the cut").isTrue();

      network.link("host-a", 1, false);
      assertThat(connects(network, "host-a", port)).as("host-a cut off").isFalse();
      assertThat(connects(network, "host-b", port)).as("host-b while host-a is cut").isTrue();

      network.link("host-a", 1, true);
      assertThat(connects(network, "host-a", port)).as("host-a's link back").isTrue();
    }
    assertThat(ourNamespaces()).as("closing removes the namespaces").isEmpty();
  }

  @Test
  void whenForbiddenItSaysWhyAndSharesTheLoopback() {
    try (HostNetwork network = HostNetwork.open(HOSTS, "off")) {
      assertThat(network.serviceAddress()).isEqualTo("127.0.0.1");
      assertThat(network.describe()).contains("NO network namespaces (" + HostNetwork.SWITCH);
      assertThat(network.on("host-a", List.of("true"))).containsExactly("true");
    }
  }

  /** Opens a TCP connection to the service from inside the host's namespace, within 2 s. */
  private static boolean connects(HostNetwork network, String host, int port)
      throws IOException, InterruptedException {
    String script = "exec 3<>/dev/tcp/" + network.serviceAddress() + "/" + port;
    Process connect =
        new ProcessBuilder(network.on(host, List.of("timeout", "2", "bash", "-c", script)))
            .redirectErrorStream(true)
            .start();
    assertThat(connect.waitFor(10, TimeUnit.SECONDS)).as("bash ends within 10 s").isTrue();
    String output = new String(connect.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.printf("connect from %s: exit %d %s%n", host, connect.exitValue(), output.trim());
    return connect.exitValue() == 0;
  }

  private static List<String> ourNamespaces() throws IOException, InterruptedException {
    Process list = new ProcessBuilder("ip", "netns", "list").start();
    assertThat(list.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String prefix = "qrt" + ProcessHandle.current().pid() + "-";
    return new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .lines()
        .filter(line -> line.startsWith(prefix))
        .toList();
  }
}
