package dev.quorate.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs iproute2's {@code ip}, bounded, and fails with its output when it fails. */
final class Ip {
  private Ip() {}

  /** Runs {@code ip <args>} in the harness's own namespace; returns its output. */
  static String run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("ip");
    cmd.addAll(List.of(args));
    return exec(cmd);
  }

  /** Runs {@code ip <args>} inside namespace {@code ns}. */
  static String in(String ns, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
    cmd.addAll(List.of(args));
    return exec(cmd);
  }

  private static String exec(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("'" + String.join(" ", cmd) + "' did not end within 30 s");
    }
    String text = new String(out, StandardCharsets.UTF_8).trim();
    if (p.exitValue() != 0) {
      throw new IOException(
          "'" + String.join(" ", cmd) + "' failed (exit " + p.exitValue() + "): " + text);
    }
    return text;
  }
}
