package dev.quorate.fence.internal;

import dev.quorate.lock.ConfigurationException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What may be written to a fence agent's stdin. The fence-agents protocol is one {@code key=value}
 * per line, and the agent strips each line and a pair of surrounding double quotes, skips lines
 * starting with {@code #}, and may pass some values (the plug above all) into a shell on the
 * device, as fence_virsh does over ssh. So a value that would be changed or split on its way, or
 * that would mean something to a remote shell, is refused here with the key named.
 */
public final class OptionRules {
  /** Keys the adapter sets itself; a device may not override them. */
  public static final Set<String> RESERVED_KEYS = Set.of("action", "port", "plug", "nodename");

  /** Keys whose values are host or user names and reach remote commands on some agents. */
  private static final Set<String> NAME_VALUED_KEYS = Set.of("ip", "ipaddr", "username", "login");

  private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,254}");
  private static final Pattern AGENT = Pattern.compile("fence_[A-Za-z0-9_]{1,64}|[A-Za-z][\\w-]*");
  private static final int MAX_VALUE_LENGTH = 4096;

  private OptionRules() {}

  /**
   * Checks an option key.
   *
   * @param key the key
   * @return the key
   * @throws ConfigurationException if the key is not letters, digits, '_' and '-'
   */
  public static String checkKey(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new ConfigurationException(
          "fence option key '"
              + printable(key)
              + "' is invalid: expected a letter then letters, digits, '_' or '-' (at most 64)");
    }
    return key;
  }

  /**
   * Checks an option value for the stdin protocol.
   *
   * @param key the key the value belongs to, named in the error
   * @param value the value
   * @param secret whether the value is secret, so the error must not show it
   * @return the value
   * @throws ConfigurationException if the value would not reach the agent unchanged
   */
  public static String checkValue(String key, String value, boolean secret) {
    String shown = secret ? "(secret)" : "'" + printable(value) + "'";
    if (value == null || value.isEmpty()) {
      throw new ConfigurationException("fence option '" + key + "' has an empty value");
    }
    if (value.length() > MAX_VALUE_LENGTH) {
      throw new ConfigurationException(
          "fence option '" + key + "' is longer than " + MAX_VALUE_LENGTH + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\n' || c == '\r' || c == '\0') {
        // A line break would start a new option line: the value could inject action=... .
        throw new ConfigurationException(
            "fence option '" + key + "' value " + shown + " contains a newline, CR or NUL");
      }
    }
    if (!value.strip().equals(value)) {
      throw new ConfigurationException(
          "fence option '"
              + key
              + "' value "
              + shown
              + " has leading or trailing whitespace, which the agent would strip");
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      throw new ConfigurationException(
          "fence option '"
              + key
              + "' value "
              + shown
              + " is wrapped in double quotes, which the agent would strip");
    }
    if (!secret && NAME_VALUED_KEYS.contains(key)) {
      checkName(key, value);
    }
    return value;
  }

  /**
   * Checks a name that may reach a shell on the fence device: a plug, a target, a host or user
   * name, a device name.
   *
   * @param what what the name is, named in the error (for example {@code "plug"})
   * @param name the name
   * @return the name
   * @throws ConfigurationException if the name has characters other than letters, digits and {@code
   *     . _ : @ + -}, or does not start with a letter or digit
   */
  public static String checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ConfigurationException(
          what
              + " '"
              + printable(name)
              + "' is invalid: expected a letter or digit, then letters, digits or . _ : @ + -"
              + " (no whitespace or shell metacharacters, at most 255)");
    }
    return name;
  }

  /**
   * Checks an agent name such as {@code fence_ipmilan}; it is used to find a program file, so it
   * must not contain a path.
   *
   * @param agent the agent name
   * @return the name
   * @throws ConfigurationException if the name has characters other than letters, digits, '_', '-'
   */
  public static String checkAgentName(String agent) {
    if (agent == null || !AGENT.matcher(agent).matches()) {
      throw new ConfigurationException(
          "fence agent name '"
              + printable(agent)
              + "' is invalid: expected a name like fence_ipmilan (letters, digits, '_', '-')");
    }
    return agent;
  }

  /** Shows control characters escaped, so an error message stays one readable line. */
  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .limit(80)
        .forEach(
            cp -> {
              if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return s.length() > 80 ? out + "..." : out.toString();
  }
}
