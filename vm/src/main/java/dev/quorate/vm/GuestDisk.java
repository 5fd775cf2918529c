package dev.quorate.vm;

import dev.quorate.lock.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back the records the test guest wrote to its disk image.
 *
 * <pre>{@code
 * List<GuestRecord> records = GuestDisk.read(Path.of("vm-1.img"));
 * // records.get(i).seq() == i, each CRC checked
 * }</pre>
 */
public final class GuestDisk {
  private GuestDisk() {}

  /**
   * Reads the records from slot 0 up to the first slot without the magic.
   *
   * @param image the raw disk image
   * @return the records, in slot order
   * @throws VmException CORRUPT_DATA when a slot with the magic fails its CRC or holds another
   *     sequence number than its slot; IO_FAILURE when the file cannot be read
   */
  public static List<GuestRecord> read(Path image) {
    List<GuestRecord> records = new ArrayList<>();
    byte[] slot = new byte[GuestRecord.SLOT_BYTES];
    try (InputStream in = Files.newInputStream(image)) {
      while (in.readNBytes(slot, 0, slot.length) == slot.length) {
        String text = new String(slot, StandardCharsets.US_ASCII);
        if (!GuestRecord.isRecord(text)) {
          break;
        }
        GuestRecord record = GuestRecord.parse(text);
        if (record.seq() != records.size()) {
          throw new VmException(
              ErrorCode.CORRUPT_DATA,
              image + ": slot " + records.size() + " holds sequence " + record.seq());
        }
        records.add(record);
      }
    } catch (IOException e) {
      throw new VmException(ErrorCode.IO_FAILURE, "cannot read " + image + ": " + e, e);
    }
    return records;
  }
}
