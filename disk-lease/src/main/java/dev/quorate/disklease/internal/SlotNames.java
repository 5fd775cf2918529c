package dev.quorate.disklease.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Where a resource name lives in a lease area: slot {@code CRC32C(name) mod slots}. */
final class SlotNames {
  private SlotNames() {}

  static int slotOf(String resource, int slots) {
    CRC32C crc = new CRC32C();
    crc.update(resource.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % slots);
  }
}
