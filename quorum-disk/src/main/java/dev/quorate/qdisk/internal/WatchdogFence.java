package dev.quorate.qdisk.internal;

import dev.quorate.qdisk.SelfFence;
import dev.quorate.qdisk.SelfFenceReason;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pets a Linux watchdog device on every renewal. Never writes the magic close character: if this
 * process dies or is paused, the watchdog stays armed and resets the machine.
 */
public final class WatchdogFence implements SelfFence {
  private static final Logger LOG = LoggerFactory.getLogger(WatchdogFence.class);
  private final Path device;
  private FileOutputStream out;

  /** Uses {@code device}, opened at the first renewal. */
  public WatchdogFence(Path device) {
    this.device = device;
  }

  @Override
  public synchronized void renewed(long atNanos) {
    try {
      if (out == null) {
        out = new FileOutputStream(device.toFile());
      }
      out.write('1');
      out.flush();
    } catch (IOException e) {
      // Not petting is the safe failure: the watchdog will reset the node.
      LOG.error("cannot pet watchdog {}: {}", device, e.toString());
    }
  }

  @Override
  public void fence(SelfFenceReason reason, String detail) {
    LOG.error("fencing this node ({}): {}; the watchdog {} resets it", reason, detail, device);
    Runtime.getRuntime().halt(71);
  }
}
