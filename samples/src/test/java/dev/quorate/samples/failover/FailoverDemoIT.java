package dev.quorate.samples.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's main job exactly as bin/demo does: the shaded jar in a JVM of its own. */
@Timeout(300)
class FailoverDemoIT {
  @Test
  void demoKeepsEveryPromiseWithRealGuests(@TempDir Path work) throws Exception {
    String guest = TestGuest.directory();
    Result demo = runDemo(work, Map.of(), "-D" + FailoverDemo.GUEST_PROPERTY + "=" + guest);
    String text = demo.output();

    assertThat(demo.exit()).as(text).isZero();
    if (namespacesPossible()) {
      assertThat(text)
          .containsPattern("hosts: network namespaces qrt\\d+-host-a, qrt\\d+-host-b")
          .containsPattern("lock server: .* at 169\\.254\\.\\d+\\.1:\\d+")
          .containsPattern(
              "ok: host-a's cluster manager \\(pid \\d+\\) and vm-1's QEMU \\(pid \\d+\\) run in"
                  + " network namespace qrt\\d+-host-a")
          .containsPattern(
              "ok: host-b's cluster manager \\(pid \\d+\\) and vm-2's QEMU \\(pid \\d+\\) run in"
                  + " network namespace qrt\\d+-host-b")
          // Scenario 5: host-b cut off by its link; it fences itself, host-a recovers both VMs.
          .containsPattern("ip link set qrt\\d+-2 down: host-b .* is cut off")
          .contains("host-b fences itself: RENEWAL_DEADLINE; its guests die with it: vm-")
          .contains("ok: host-b's guests (QEMU pids")
          .containsPattern("ok: host-b fenced itself \\d+ ms before host-a could declare it DOWN")
          .contains("quorum disk: host-b DOWN")
          .containsPattern(
              "export vm-2 opened with token \\S+; every connection with \\S+ is revoked")
          .contains("ok: the guard allowed fencing the cut-off host-b: ALLOWED_SURVIVORS_QUORATE")
          .contains("ok: host-b fenced: SUCCEEDED FENCED, its plug is off")
          .containsPattern(
              "ok: the NBD server served no request of host-b's vm-1 \\(token \\S+\\) after host-b"
                  + " fenced itself")
          .contains("host cut off, recovered: vm-1 writes again")
          .containsPattern("VM writes again: outage ends +\\d+ ms +\\d+ ms +- +\\d+ ms")
          .contains("demo finished in")
          .contains("every scenario behaved as promised");
    } else {
      assertThat(text)
          .contains("hosts: NO network namespaces (")
          .contains("== Scenario 5: host cut off: NOT RUN")
          .contains(
              "every scenario that ran behaved as promised; not run: scenario 5 (host cut off)");
    }
    assertThat(namespacesOf(demo)).as("the demo removes its namespaces").isEmpty();
    assertThat(text)
        .doesNotContain("UNEXPECTED")
        // Scenario 1: quorum with the disk's vote, the NBD claim, the guard, the fence, the boot.
        .contains("quorum disk: host-a DOWN")
        .contains("quorum: quorate [MAJORITY] 2 of 3 expected votes present")
        .containsPattern(
            "export vm-1 opened with token \\S+; every connection with \\S+ is revoked")
        .containsPattern("export vm-1 REFUSED a request with stale token")
        .contains("ALLOWED_SURVIVORS_QUORATE")
        .contains("fence host-a: SUCCEEDED FENCED")
        .containsPattern("the NBD server refused \\d+ request\\(s\\) of the stale vm-1")
        .contains("tokens never go back, one writer per epoch")
        .contains("failover done: vm-1 writes again")
        // Scenario 2: the refused host power cycle, the VM-level fence instead.
        .contains("REFUSED REFUSED_SURVIVORS_NOT_QUORATE")
        .contains("ALLOWED ALLOWED_VM_LEVEL")
        .contains("fence node-a: SUCCEEDED FENCED at level 2")
        // Scenario 3: cold switchover without fencing.
        .contains("another host asks for vm-1: stopping it (QMP quit)")
        .contains("no fencing during the switchover")
        // Scenario 4: live migration, the export taken over by the standby's first write.
        .contains("lock handed over for the live migration")
        .contains("disk opened as standby with token")
        .contains("live migration completed")
        .containsPattern("export vm-1 taken over, at the standby's first write, by token")
        .contains("the guest never saw an I/O error")
        .contains("no fencing during the live migration")
        .containsPattern("VM writes again: outage ends +\\d+ ms +\\d+ ms +-")
        .containsPattern("guest's boot \\(cont to first record\\) +\\d+ ms +\\d+ ms")
        .containsPattern("guest-visible gap \\(records\\) +- +- +\\d+ ms");
    assertThat(leftovers(work)).as("no demo process (JVM or QEMU) outlives the demo").isEmpty();
  }

  @Test
  void withoutQemuTheDemoSaysWhyAndFails(@TempDir Path work) throws Exception {
    // A PATH without QEMU (java is started by its full path).
    Result demo =
        runDemo(
            work,
            Map.of("PATH", work.toString(), HostNetwork.SWITCH, "off"),
            "-Dquorate.guest=" + work);

    assertThat(demo.exit()).as(demo.output()).isEqualTo(1);
    assertThat(demo.output())
        .contains(
            "hosts: NO network namespaces (QUORATE_DEMO_NAMESPACES=off forbids them); every host"
                + " shares this machine's loopback")
        .contains("demo FAILED: it cannot run QEMU guests: qemu-system-x86_64 is not on the PATH")
        .doesNotContain("Scenario");
  }

  private record Result(int exit, String output, long pid) {}

  /** Root with iproute2's ip: what the demo needs for its hosts' namespaces. */
  private static boolean namespacesPossible() throws IOException {
    return Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)
        && java.util.Arrays.stream(System.getenv("PATH").split(":"))
            .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "ip")))
        && System.getenv(HostNetwork.SWITCH) == null;
  }

  /** The network namespaces named after the demo's pid that still exist. */
  private static List<String> namespacesOf(Result demo) throws IOException {
    Path named = Path.of("/run/netns");
    if (!Files.isDirectory(named)) {
      return List.of();
    }
    try (var list = Files.list(named)) {
      return list.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("qrt" + demo.pid() + "-"))
          .toList();
    }
  }

  private static Result runDemo(Path work, Map<String, String> env, String property)
      throws Exception {
    Path jar = Path.of(System.getProperty("quorate.demo.jar", "target/quorate-samples-all.jar"));
    assertThat(jar).as("the shaded jar, built in the package phase").isRegularFile();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, property, "-jar", jar.toString()));
    command.add(work.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process demo = builder.start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(demo));
    try {
      assertThat(demo.waitFor(240, TimeUnit.SECONDS)).as("the demo ends within 240 s").isTrue();
    } finally {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
    }
    String text = output.get(10, TimeUnit.SECONDS);
    Files.writeString(work.resolve("demo-output.txt"), text);
    System.out.println(text);
    return new Result(demo.exitValue(), text, demo.pid());
  }

  private static List<Long> leftovers(Path work) {
    String mark = work.toString();
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info().arguments().stream()
                    .flatMap(java.util.Arrays::stream)
                    .anyMatch(arg -> arg.contains(mark)))
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .toList();
  }

  private static String readAll(Process process) {
    try {
      return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
