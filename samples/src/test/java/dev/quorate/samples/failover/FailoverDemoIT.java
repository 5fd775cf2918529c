package dev.quorate.samples.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's main job exactly as bin/demo does: the shaded jar in a JVM of its own. */
@Timeout(120)
class FailoverDemoIT {
  @Test
  void demoKeepsEveryPromiseAndShowsTheFailoverAndTheRefusedFence(@TempDir Path work)
      throws Exception {
    Path jar = Path.of(System.getProperty("quorate.demo.jar", "target/quorate-samples-all.jar"));
    assertThat(jar).as("the shaded jar, built in the package phase").isRegularFile();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo =
        new ProcessBuilder(java, "-jar", jar.toString(), work.toString())
            .redirectErrorStream(true)
            .start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(demo));
    try {
      assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("the demo ends within 90 s").isTrue();
    } finally {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
    }
    String text = output.get(10, TimeUnit.SECONDS);
    Files.writeString(work.resolve("demo-output.txt"), text);
    System.out.println(text);

    assertThat(demo.exitValue()).as(text).isZero();
    assertThat(text)
        .doesNotContain("UNEXPECTED")
        .contains("every scenario behaved as promised")
        // Scenario 1: quorum with the disk's vote, the guard, the fence, the restart.
        .contains("quorum disk: host-a DOWN")
        .contains("quorum: quorate [MAJORITY] 2 of 3 expected votes present")
        .contains("ALLOWED_SURVIVORS_QUORATE")
        .contains("fence host-a: SUCCEEDED FENCED")
        .contains("disk REJECTED a write of the stale instance on host-a")
        .contains("failover done: vm-1 writes again")
        // Scenario 2: the refused host power cycle, the VM-level fence instead.
        .contains("REFUSED REFUSED_SURVIVORS_NOT_QUORATE")
        .contains("ALLOWED ALLOWED_VM_LEVEL")
        .contains("fence node-a: SUCCEEDED FENCED at level 2")
        // Scenario 3: switchover without fencing, compared with the failover.
        .contains("another host asks for vm-1: shutting it down cleanly")
        .contains("no fencing during the switchover")
        .containsPattern("VM writes again: outage ends +\\d+ ms +\\d+ ms");
    assertThat(leftovers(work)).as("no demo process outlives the demo").isEmpty();
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
