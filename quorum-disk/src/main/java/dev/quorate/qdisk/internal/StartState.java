package dev.quorate.qdisk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.MailboxMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node finds in its own slot and mailbox before its first heartbeat: the next incarnation,
 * where the sequence continues, and fencing messages meant for earlier incarnations.
 */
record StartState(long incarnation, long sequence, List<MailboxMessage> staleMessages) {

  static StartState read(List<DiskChannel> disks, int self, int majority) {
    long incarnation = -1;
    long sequence = -1;
    int readable = 0;
    List<MailboxMessage> stale = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (DiskChannel d : disks) {
      if (!d.joined()) {
        problems.add(d.device().name() + ": " + d.health().lastError());
        continue;
      }
      try {
        Decoded<HeartbeatSlot> s = DiskReader.readSlot(d.device(), d.header(), self);
        if (s.isValid()) {
          readable++;
          incarnation = Math.max(incarnation, s.value().get().incarnation());
          sequence = Math.max(sequence, s.value().get().sequence());
        } else {
          problems.add(d.device().name() + ": " + s.detail());
        }
        Decoded<MailboxMessage> m = DiskReader.readMailbox(d.device(), d.header(), self);
        m.value().filter(x -> x.type().fencesTarget()).ifPresent(stale::add);
      } catch (IOException e) {
        problems.add(d.device().name() + ": " + e.getMessage());
      }
    }
    if (readable < majority) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE,
          "slot "
              + self
              + " is readable on "
              + readable
              + " of "
              + disks.size()
              + " disks, fewer than a majority of "
              + majority
              + ": "
              + String.join("; ", problems));
    }
    if (incarnation == Long.MAX_VALUE || sequence == Long.MAX_VALUE) {
      throw new QuorateException(
          ErrorCode.CORRUPT_DATA,
          "slot "
              + self
              + " has its "
              + (sequence == Long.MAX_VALUE ? "sequence" : "incarnation")
              + " at its maximum ("
              + Long.MAX_VALUE
              + "): it cannot advance; re-format the disk"
              + " or clear the slot");
    }
    return new StartState(incarnation + 1, sequence, List.copyOf(stale));
  }
}
