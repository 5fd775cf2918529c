package dev.quorate.samples.failover;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code --key value} arguments of the demo's child processes. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  private Args(String program, String[] args) {
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException(
          program + ": expected --key value pairs, got " + List.of(args));
    }
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException(
            program + ": expected an option like --host, got '" + args[i] + "'");
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
  }

  static Args parse(String program, String[] args) {
    return new Args(program, args);
  }

  String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing option --" + key + "; given: " + values);
    }
    return value;
  }

  String get(String key, String otherwise) {
    return values.getOrDefault(key, otherwise);
  }

  int getInt(String key) {
    try {
      return Integer.parseInt(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a number, got " + get(key), e);
    }
  }
}
