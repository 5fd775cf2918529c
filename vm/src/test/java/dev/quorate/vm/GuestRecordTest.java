package dev.quorate.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorate.lock.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The record format, against lines the real guest printed (busybox crc32). */
@Timeout(10)
class GuestRecordTest {
  // Printed by the guest of bin/lib/build-guest.sh under QEMU.
  private static final String SEQ0 = "QREC1 id=vm1 token=7 seq=0 up=2.10 crc=2381a514";
  private static final String SEQ1 = "QREC1 id=vm1 token=7 seq=1 up=2.25 crc=6fbd161b";

  @TempDir Path dir;

  @Test
  void aLineOfTheGuestParses() {
    assertThat(GuestRecord.parse(SEQ0))
        .isEqualTo(new GuestRecord("vm1", 7, 0, Duration.ofMillis(2100)));
  }

  @Test
  void anyChangedCharacterFailsTheCrc() {
    assertThatThrownBy(() -> GuestRecord.parse(SEQ0.replace("token=7", "token=8")))
        .isInstanceOf(VmException.class)
        .hasMessageContaining("CRC mismatch")
        .satisfies(e -> assertThat(((VmException) e).code()).isEqualTo(ErrorCode.CORRUPT_DATA));
    assertThatThrownBy(() -> GuestRecord.parse("QREC1 id=vm1 token=7"))
        .isInstanceOf(VmException.class)
        .hasMessageContaining("not a guest record");
  }

  @Test
  void aDiskIsReadUpToItsFirstEmptySlotAndEachSlotMustHoldItsOwnSequence() throws IOException {
    Path disk = dir.resolve("d.img");
    Files.write(disk, slots(SEQ0, SEQ1, ""));
    assertThat(GuestDisk.read(disk)).extracting(GuestRecord::seq).containsExactly(0L, 1L);

    Files.write(disk, slots(SEQ1));
    assertThatThrownBy(() -> GuestDisk.read(disk))
        .isInstanceOf(VmException.class)
        .hasMessageContaining("slot 0 holds sequence 1");
  }

  @Test
  void kernelArgumentsNameTheGuestItsTokenAndInterval() {
    assertThat(GuestRecord.kernelArguments("vm-1", 9, Duration.ofMillis(50)))
        .isEqualTo("quorate.id=vm-1 quorate.token=9 quorate.interval_ms=50");
    assertThatThrownBy(() -> GuestRecord.kernelArguments("vm 1", 9, Duration.ofMillis(50)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'vm 1'");
  }

  private static byte[] slots(String... records) {
    byte[] out = new byte[records.length * GuestRecord.SLOT_BYTES];
    for (int i = 0; i < records.length; i++) {
      String padded = String.format("%-511s\n", records[i]);
      if (records[i].isEmpty()) {
        continue; // an empty slot: zeros, as in a fresh image
      }
      System.arraycopy(
          padded.getBytes(StandardCharsets.US_ASCII), 0, out, i * GuestRecord.SLOT_BYTES, 512);
    }
    return out;
  }
}
