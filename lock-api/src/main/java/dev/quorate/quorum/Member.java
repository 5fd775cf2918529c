package dev.quorate.quorum;

import java.util.Objects;

/**
 * One configured cluster member: its id, the votes it casts while present, and the physical host
 * (hypervisor) its virtual machine runs on.
 *
 * <p>The host matters because one power cycle of a host removes every member on it at once; the
 * fence guard and {@link Topology#votesOn(String)} use it to see what a host-level action costs.
 *
 * <pre>{@code
 * Member a = new Member(MemberId.of(1), 1, "hv-1");
 * }</pre>
 *
 * @param id the member's id
 * @param votes the votes it casts, at least 1
 * @param host the name of the physical host it runs on, not blank
 */
public record Member(MemberId id, int votes, String host) {
  /** Upper bound on one member's votes; keeps vote sums far from overflow. */
  public static final int MAX_VOTES = 1_000;

  /**
   * Validates the member. {@link Topology.Builder} reports the same problems as {@link
   * dev.quorate.lock.ConfigurationException}s naming the configuration key.
   *
   * @param id the member's id
   * @param votes the votes it casts, from 1 to {@link #MAX_VOTES}
   * @param host the name of the physical host it runs on, not blank
   * @throws NullPointerException if {@code id} or {@code host} is null
   * @throws IllegalArgumentException if {@code votes} is out of range or {@code host} is blank
   */
  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(host, "host");
    if (votes < 1 || votes > MAX_VOTES) {
      throw new IllegalArgumentException(
          "votes of member " + id + " must be 1.." + MAX_VOTES + ", got " + votes);
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException("host of member " + id + " must not be blank");
    }
  }
}
