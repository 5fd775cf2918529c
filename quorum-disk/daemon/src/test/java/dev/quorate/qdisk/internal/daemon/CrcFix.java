package dev.quorate.qdisk.internal.daemon;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Re-seals a hand-edited block, so a test can present a well-formed record with a bad field. */
final class CrcFix {
  private CrcFix() {}

  static void reseal(ByteBuffer block) {
    CRC32C crc = new CRC32C();
    crc.update(block.slice(0, 4092));
    block.putInt(4092, (int) crc.getValue());
  }
}
