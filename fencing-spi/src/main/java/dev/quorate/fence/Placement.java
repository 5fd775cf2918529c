package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where members run now: member name to physical host, as one {@link PlacementSource} read it, and
 * when. VMs live-migrate, so a guard decides on a placement read for that decision and the fencer
 * reads it again just before an agent runs; a member that moved in between stops the fence.
 *
 * <pre>{@code
 * Placement now = placementSource.read();
 * String host = now.hostOf("node-a").orElseThrow();
 * SortedSet<String> alsoThere = now.membersOn(host);
 * }</pre>
 *
 * @param hosts member name to the physical host it runs on now
 * @param readNanos when it was read, on the reader's monotonic clock (the guard's clock)
 */
public record Placement(Map<String, String> hosts, long readNanos) {
  /**
   * Validates and copies.
   *
   * @param hosts member name to host
   * @param readNanos the monotonic read time
   * @throws dev.quorate.lock.ConfigurationException if a member or host name is invalid
   */
  public Placement {
    Map<String, String> copy = new TreeMap<>();
    Objects.requireNonNull(hosts, "hosts")
        .forEach(
            (member, host) ->
                copy.put(
                    OptionRules.checkName("placement member", member),
                    OptionRules.checkName("placement host of " + member, host)));
    hosts = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * Returns the host a member runs on.
   *
   * @param member the member name
   * @return its host, or empty if this placement does not know the member
   */
  public Optional<String> hostOf(String member) {
    return Optional.ofNullable(hosts.get(member));
  }

  /**
   * Returns the members running on any of the given hosts.
   *
   * @param onHosts host names
   * @return their members, sorted by name
   */
  public SortedSet<String> membersOn(Collection<String> onHosts) {
    SortedSet<String> out = new TreeSet<>();
    hosts.forEach(
        (member, host) -> {
          if (onHosts.contains(host)) {
            out.add(member);
          }
        });
    return out;
  }

  /**
   * Returns the members running on a host.
   *
   * @param host a host name
   * @return its members, sorted by name
   */
  public SortedSet<String> membersOn(String host) {
    return membersOn(java.util.Set.of(host));
  }
}
