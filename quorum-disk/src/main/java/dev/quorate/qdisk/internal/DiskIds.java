package dev.quorate.qdisk.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The disk ids that the disks of one node count under, by device name: two paths to one disk (a
 * multipath alias listed as a second disk) must not count it twice, neither at start ({@link
 * EngineFactory} refuses) nor when a disk adopts a header at run time ({@code replace-disk}).
 */
final class DiskIds {
  private final Map<UUID, String> deviceOf = new HashMap<>();
  private final Map<String, UUID> idOf = new HashMap<>();

  /**
   * Lets {@code device} count as disk {@code id}, giving up the id it counted as before.
   *
   * @return empty if it may, else the name of the other device that counts as {@code id}
   */
  synchronized Optional<String> take(UUID id, String device) {
    String other = deviceOf.get(id);
    if (other != null && !other.equals(device)) {
      return Optional.of(other);
    }
    UUID before = idOf.put(device, id);
    if (before != null && !before.equals(id)) {
      deviceOf.remove(before);
    }
    deviceOf.put(id, device);
    return Optional.empty();
  }
}
