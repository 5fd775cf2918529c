package dev.quorate.disklease.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of one {@link LeaseTool} command, parsed by hand so that the library carries no
 * command-line dependency: {@code --name value}, {@code --name=value}, flags, and everything after
 * {@code --} as the command to run. Every error names the option and what it accepts.
 */
final class ToolArgs {
  private final String command;
  private final Map<String, String> values = new HashMap<>();
  private final List<String> rest = new ArrayList<>();

  ToolArgs(String command, List<String> args, Set<String> valued, Set<String> flags) {
    this.command = command;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        rest.addAll(args.subList(i + 1, args.size()));
        return;
      }
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      if (flags.contains(name) && value == null) {
        values.put(name, "true");
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw usage(name + " needs a value");
          }
          value = args.get(++i);
        }
        values.put(name, value);
      } else {
        List<String> known = new ArrayList<>(valued);
        known.addAll(flags);
        known.sort(null);
        throw usage("unknown option '" + a + "'; " + command + " accepts " + known);
      }
    }
  }

  static UsageException usage(String message) {
    return new UsageException(message);
  }

  /** A command line that cannot be run as given. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null || v.isBlank()) {
      throw usage(command + " needs " + name);
    }
    return v;
  }

  String optional(String name, String orElse) {
    return values.getOrDefault(name, orElse);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  List<Path> disks() {
    List<Path> paths = new ArrayList<>();
    for (String p : required("--disks").split(",")) {
      if (!p.isBlank()) {
        paths.add(Path.of(p.strip()));
      }
    }
    if (paths.size() != 1 && paths.size() != 3 && paths.size() != 5) {
      throw usage("--disks names " + paths.size() + " disk(s) " + paths + "; give 1, 3 or 5");
    }
    return paths;
  }

  int integer(String name, String orElse) {
    String v = optional(name, orElse);
    if (v == null) {
      throw usage(command + " needs " + name);
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw usage(name + " '" + v + "' is not a whole number");
    }
  }

  /** A duration such as {@code 250ms}, {@code 10s} or {@code 2m}. */
  Duration duration(String name, String orElse) {
    String v = optional(name, orElse).strip();
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
    } catch (NumberFormatException e) {
      // fall through to the message naming the value
    }
    throw usage(name + " '" + v + "' is not a duration such as 250ms, 10s or 2m");
  }

  List<String> rest() {
    return rest;
  }
}
