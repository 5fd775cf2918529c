package dev.quorate.fence;

import java.util.Locale;

/**
 * An action a fence agent performs, named as the fence-agents protocol names it on stdin ({@code
 * action=off}).
 *
 * <pre>{@code
 * FenceAction action = FenceAction.fromProtocolName("validate-all"); // VALIDATE_ALL
 * }</pre>
 */
public enum FenceAction {
  /** Powers the target on; used for unfencing. */
  ON("on"),
  /** Powers the target off; the safest fence, because it can be verified with a status. */
  OFF("off"),
  /** Powers the target off and on again. */
  REBOOT("reboot"),
  /** Reports the target's power state: exit 0 means on, 2 means off, anything else is an error. */
  STATUS("status"),
  /** Checks that the fence device itself is reachable. */
  MONITOR("monitor"),
  /** Lists the plugs (outlets, VMs) the device controls. */
  LIST("list"),
  /** Prints the agent's XML self-description. */
  METADATA("metadata"),
  /** Checks the given options without touching the device. */
  VALIDATE_ALL("validate-all");

  private final String protocolName;

  FenceAction(String protocolName) {
    this.protocolName = protocolName;
  }

  /**
   * Returns the name used on the agent's stdin.
   *
   * @return for example {@code "off"} or {@code "validate-all"}
   */
  public String protocolName() {
    return protocolName;
  }

  /**
   * Tells whether this action changes the target's power.
   *
   * @return true for {@link #ON}, {@link #OFF} and {@link #REBOOT}
   */
  public boolean changesPower() {
    return this == ON || this == OFF || this == REBOOT;
  }

  /**
   * Finds the action with the given protocol name.
   *
   * @param name a protocol name such as {@code "reboot"}; case does not matter
   * @return the action
   * @throws IllegalArgumentException if no action has that name
   */
  public static FenceAction fromProtocolName(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    for (FenceAction action : values()) {
      if (action.protocolName.equals(wanted)) {
        return action;
      }
    }
    throw new IllegalArgumentException(
        "unknown fence action '"
            + name
            + "'; expected one of on, off, reboot, status, monitor,"
            + " list, metadata, validate-all");
  }
}
