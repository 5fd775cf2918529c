package dev.quorate.fence.internal;

import dev.quorate.fence.FenceAgentException;
import dev.quorate.fence.Plug;
import dev.quorate.fence.PlugList;
import dev.quorate.lock.ConfigurationException;
import dev.quorate.lock.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the output of a fence-agents {@code list} action: one plug per line as {@code id,alias}
 * (the alias may be empty or missing), or the single line {@code N/A} from a device without plugs.
 */
final class ListOutput {
  private ListOutput() {}

  static PlugList parse(String agent, String stdout) {
    List<String> lines = stdout.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() == 1 && lines.get(0).equals("N/A")) {
      return new PlugList(false, List.of());
    }
    List<Plug> plugs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int comma = line.indexOf(',');
      String id = comma < 0 ? line : line.substring(0, comma).strip();
      String alias = comma < 0 ? "" : line.substring(comma + 1).strip();
      try {
        plugs.add(new Plug(id, alias));
      } catch (ConfigurationException e) {
        throw malformed(agent, i + 1, line, "the plug id is not a valid plug name", e);
      }
      if (!seen.add(id)) {
        throw malformed(agent, i + 1, line, "plug '" + id + "' is listed twice", null);
      }
    }
    return new PlugList(true, plugs);
  }

  private static FenceAgentException malformed(
      String agent, int lineNumber, String line, String why, Throwable cause) {
    String message =
        agent
            + " list printed a malformed line "
            + lineNumber
            + " '"
            + OptionRules.printable(line)
            + "': "
            + why
            + "; expected 'plug-id,alias' per line or 'N/A'";
    return new FenceAgentException(ErrorCode.CORRUPT_DATA, message, cause);
  }
}
