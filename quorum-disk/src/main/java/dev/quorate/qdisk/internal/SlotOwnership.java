package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.HeartbeatSlot;
import dev.quorate.qdisk.SlotState;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Tells this process's records in its own slot from another process's. A slot is written only by
 * its owner, so a record there that this process did not write means a second process runs with the
 * same node id: peers would take either one's beats as the node's life.
 */
final class SlotOwnership {
  private SlotOwnership() {}

  /**
   * Returns this process's label for its slot records: the host name and the process id, so that
   * two processes on one host are told apart too.
   */
  public static String localLabel() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      // Only a label for the operator; the pid still tells two processes apart.
      host = "unknown-host";
    }
    return fit(host + " pid " + ProcessHandle.current().pid());
  }

  static String fit(String label) {
    byte[] b = label.getBytes(StandardCharsets.UTF_8);
    if (b.length <= HeartbeatSlot.MAX_HOST_BYTES) {
      return label;
    }
    // Keep the tail: the pid tells processes apart, a long domain name does not.
    String tail = label;
    while (tail.getBytes(StandardCharsets.UTF_8).length > HeartbeatSlot.MAX_HOST_BYTES) {
      tail = tail.substring(1);
    }
    return tail;
  }

  /**
   * Returns whether {@code found}, read from the slot this process writes, was written by another
   * process. {@code mine} is the record this process is about to write: its own earlier records
   * have its incarnation and label and a lower sequence. Records of earlier incarnations are
   * leftovers (a disk that lost writes or was brought back), not a second writer: that one would
   * have read this incarnation and taken a higher one.
   */
  static boolean foreign(HeartbeatSlot found, HeartbeatSlot mine) {
    if (found.state() == SlotState.EMPTY || found.incarnation() < mine.incarnation()) {
      return false;
    }
    return found.incarnation() > mine.incarnation()
        || !found.host().equals(mine.host())
        || found.sequence() >= mine.sequence();
  }

  /** Describes a record for an operator: incarnation, sequence and writer. */
  static String describe(HeartbeatSlot s) {
    return "incarnation "
        + s.incarnation()
        + " (sequence "
        + s.sequence()
        + ") written by '"
        + (s.host().isEmpty() ? "an unnamed process" : s.host())
        + "'";
  }

  /** The message both processes print when they find each other in one slot. */
  static String conflict(String device, HeartbeatSlot mine, HeartbeatSlot found) {
    return "slot "
        + mine.nodeId()
        + " has two writers: this process runs "
        + describe(mine)
        + ", and "
        + device
        + " holds "
        + describe(found)
        + "; two processes are configured with node.id="
        + mine.nodeId()
        + ": stop one and give each node its own id";
  }
}
