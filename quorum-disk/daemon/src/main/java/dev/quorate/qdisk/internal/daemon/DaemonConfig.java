package dev.quorate.qdisk.internal.daemon;

import dev.quorate.lock.ConfigurationException;
import dev.quorate.qdisk.DiskHeader;
import dev.quorate.qdisk.Heuristic;
import dev.quorate.qdisk.WatchdogDevice;
import dev.quorate.qdisk.internal.Problems;
import dev.quorate.quorum.SelfFence;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's configuration file: {@code key=value} lines, {@code #} comments. Parsed by hand so
 * that every error names the line, the key and what would be accepted; unknown keys are errors (a
 * misspelt key silently ignored is a safety setting silently lost).
 */
record DaemonConfig(
    String cluster,
    int nodeId,
    List<Path> disks,
    String selfFence,
    WatchdogDevice watchdog,
    int statusPort,
    Path tenureLog,
    int minScore,
    List<Heuristic> heuristics) {

  private static final Set<String> KEYS =
      Set.of(
          "cluster.name",
          "node.id",
          "disks",
          "self-fence",
          "self-fence.exit-code",
          "watchdog.device",
          "watchdog.sysfs",
          "watchdog.timeout",
          "status.port",
          "tenure.log",
          "heuristics.min-score");
  private static final Pattern HEURISTIC =
      Pattern.compile("heuristic\\.([A-Za-z0-9_-]+)\\.(tcp|command|score|timeout)");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");

  static DaemonConfig load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read config " + file + ": " + Problems.describe(e));
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 1) {
        throw new ConfigurationException(
            file + " line " + (i + 1) + ": expected key=value, got '" + line + "'");
      }
      String key = line.substring(0, eq).strip();
      if (!KEYS.contains(key) && !HEURISTIC.matcher(key).matches()) {
        throw new ConfigurationException(
            file
                + " line "
                + (i + 1)
                + ": unknown key '"
                + key
                + "'; known keys: "
                + String.join(", ", KEYS.stream().sorted().toList())
                + ", heuristic.<name>.{tcp,command,score,timeout}");
      }
      if (values.put(key, line.substring(eq + 1).strip()) != null) {
        throw new ConfigurationException(
            file + " line " + (i + 1) + ": key '" + key + "' given twice");
      }
    }
    return parse(file.toString(), values);
  }

  private static DaemonConfig parse(String src, Map<String, String> v) {
    String cluster = DiskHeader.checkClusterName(required(src, v, "cluster.name"));
    int node = integer(src, v, "node.id", null, 1, DiskHeader.MAX_SLOTS);
    List<Path> disks =
        Arrays.stream(required(src, v, "disks").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(Path::of)
            .toList();
    String fence = v.getOrDefault("self-fence", "exit");
    if (!Set.of("exit", "watchdog").contains(fence)) {
      throw new ConfigurationException(
          src + ": self-fence '" + fence + "' is unknown: expected exit or watchdog");
    }
    WatchdogDevice watchdog = watchdog(src, v);
    if (fence.equals("watchdog") && watchdog == null) {
      throw new ConfigurationException(src + ": self-fence=watchdog needs watchdog.device");
    }
    String exitCode = v.get("self-fence.exit-code");
    if (exitCode != null && !exitCode.equals(Integer.toString(SelfFence.EXIT_STATUS))) {
      throw new ConfigurationException(
          src
              + ": self-fence.exit-code '"
              + exitCode
              + "' is not accepted: every self-fence exits "
              + SelfFence.EXIT_STATUS
              + ", the one status the shipped systemd unit never restarts on; remove the key");
    }
    int port = integer(src, v, "status.port", "0", 0, 65535);
    Path tenure = v.containsKey("tenure.log") ? Path.of(v.get("tenure.log")) : null;
    int minScore = integer(src, v, "heuristics.min-score", "0", 0, Integer.MAX_VALUE);
    List<Heuristic> heuristics = heuristics(src, v);
    checkMinScore(src, v.containsKey("heuristics.min-score"), minScore, heuristics);
    return new DaemonConfig(
        cluster, node, disks, fence, watchdog, port, tenure, minScore, heuristics);
  }

  /**
   * A min-score that nothing can reach would leave the node never eligible to be master, silently;
   * one without heuristics would be ignored, silently (qdiskd requires min_score <= the sum).
   */
  private static void checkMinScore(
      String src, boolean given, int minScore, List<Heuristic> heuristics) {
    if (given && heuristics.isEmpty()) {
      throw new ConfigurationException(
          src
              + ": heuristics.min-score "
              + minScore
              + " is set but no heuristic is configured: add heuristic.<name>.{tcp,command,score}"
              + " or remove the key");
    }
    int sum = heuristics.stream().mapToInt(Heuristic::score).sum();
    if (minScore > sum) {
      throw new ConfigurationException(
          src
              + ": heuristics.min-score "
              + minScore
              + " is above the sum of the heuristics' scores ("
              + sum
              + "): the node could never be eligible to be master; use at most "
              + sum);
    }
  }

  private static WatchdogDevice watchdog(String src, Map<String, String> v) {
    if (!v.containsKey("watchdog.device")) {
      for (String k : List.of("watchdog.sysfs", "watchdog.timeout")) {
        if (v.containsKey(k)) {
          throw new ConfigurationException(src + ": " + k + " needs watchdog.device");
        }
      }
      return null;
    }
    WatchdogDevice w = WatchdogDevice.of(Path.of(v.get("watchdog.device")));
    if (v.containsKey("watchdog.sysfs")) {
      w = w.withSysfs(Path.of(v.get("watchdog.sysfs")));
    }
    if (v.containsKey("watchdog.timeout")) {
      w = w.withExpectedTimeout(duration(src, "watchdog.timeout", v.get("watchdog.timeout")));
    }
    return w;
  }

  private static List<Heuristic> heuristics(String src, Map<String, String> v) {
    Map<String, Map<String, String>> byName = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : v.entrySet()) {
      Matcher m = HEURISTIC.matcher(e.getKey());
      if (m.matches()) {
        byName
            .computeIfAbsent(m.group(1), k -> new LinkedHashMap<>())
            .put(m.group(2), e.getValue());
      }
    }
    List<Heuristic> out = new ArrayList<>();
    byName.forEach(
        (name, h) -> {
          String prefix = "heuristic." + name + ".";
          int score = integer(src, prefixed(h, prefix), prefix + "score", "1", 1, 1000);
          Duration timeout = duration(src, prefix + "timeout", h.getOrDefault("timeout", "1s"));
          if (h.containsKey("tcp") == h.containsKey("command")) {
            throw new ConfigurationException(
                src
                    + ": heuristic '"
                    + name
                    + "' needs exactly one of "
                    + prefix
                    + "tcp or "
                    + prefix
                    + "command");
          }
          if (h.containsKey("tcp")) {
            String target = h.get("tcp");
            int colon = target.lastIndexOf(':');
            if (colon < 1) {
              throw new ConfigurationException(
                  src + ": " + prefix + "tcp '" + target + "' must be host:port");
            }
            int port = integer(src, Map.of("p", target.substring(colon + 1)), "p", null, 1, 65535);
            out.add(Heuristic.tcp(name, target.substring(0, colon), port, score, timeout));
          } else {
            out.add(
                Heuristic.command(name, List.of(h.get("command").split("\\s+")), score, timeout));
          }
        });
    return out;
  }

  private static Map<String, String> prefixed(Map<String, String> h, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    h.forEach((k, val) -> out.put(prefix + k, val));
    return out;
  }

  static Duration duration(String src, String key, String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new ConfigurationException(
          src
              + ": "
              + key
              + " '"
              + text
              + "' is not a duration: expected e.g. 200ms, 1.5s, 2s or 1m");
    }
    BigDecimal unit =
        switch (m.group(2)) {
          case "ms" -> BigDecimal.ONE;
          case "s" -> BigDecimal.valueOf(1000);
          default -> BigDecimal.valueOf(60_000);
        };
    BigDecimal millis = new BigDecimal(m.group(1)).multiply(unit);
    try {
      return Duration.ofMillis(millis.longValueExact());
    } catch (ArithmeticException e) {
      throw new ConfigurationException(
          src
              + ": "
              + key
              + " '"
              + text
              + "' is not a whole number of milliseconds (or too long): expected e.g. 1.5s or"
              + " 1500ms");
    }
  }

  private static String required(String src, Map<String, String> v, String key) {
    String value = v.get(key);
    if (value == null || value.isBlank()) {
      throw new ConfigurationException(src + ": required key '" + key + "' is missing");
    }
    return value;
  }

  private static int integer(
      String src, Map<String, String> v, String key, String dflt, int min, int max) {
    String text = dflt == null ? required(src, v, key) : v.getOrDefault(key, dflt);
    try {
      int n = Integer.parseInt(text.strip());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          src + ": " + key + " '" + text + "' must be an integer from " + min + " to " + max);
    }
  }
}
