package dev.quorate.fence;

import dev.quorate.fence.internal.OptionRules;
import dev.quorate.lock.ConfigurationException;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One fencing level of a target: devices that must all succeed for the level to succeed. Levels are
 * tried in index order (1 to 9), the narrowest (a VM through its hypervisor) first.
 *
 * <pre>{@code
 * FenceLevel vm = FenceLevel.of(1, "virsh-h1");
 * FenceLevel power = FenceLevel.of(2, "pdu-a", "pdu-b"); // both feeds must go off
 * }</pre>
 *
 * @param index the level's position, 1 to 9
 * @param devices the names of the devices, at least one, no duplicates
 */
public record FenceLevel(int index, List<String> devices) {
  /** The lowest level index. */
  public static final int MIN_INDEX = 1;

  /** The highest level index. */
  public static final int MAX_INDEX = 9;

  /**
   * Validates the level.
   *
   * @param index 1 to 9
   * @param devices device names
   * @throws ConfigurationException if the index is out of range, there is no device, or a device
   *     name is invalid or repeated
   */
  public FenceLevel {
    if (index < MIN_INDEX || index > MAX_INDEX) {
      throw new ConfigurationException(
          "fence level index " + index + " is out of range: expected 1 to 9");
    }
    if (devices.isEmpty()) {
      throw new ConfigurationException("fence level " + index + " has no device");
    }
    devices.forEach(d -> OptionRules.checkName("fence device name", d));
    if (new LinkedHashSet<>(devices).size() != devices.size()) {
      throw new ConfigurationException(
          "fence level " + index + " names a device twice: " + devices);
    }
    devices = List.copyOf(devices);
  }

  /**
   * Creates a level.
   *
   * @param index 1 to 9
   * @param devices device names
   * @return the level
   */
  public static FenceLevel of(int index, String... devices) {
    return new FenceLevel(index, List.of(devices));
  }
}
