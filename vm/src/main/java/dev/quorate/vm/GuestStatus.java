package dev.quorate.vm;

import java.util.Locale;

/**
 * What a guest is doing, from QMP's {@code query-status} or, once QEMU is gone, {@link #OFF}.
 *
 * <pre>{@code
 * guest.stop();
 * assert guest.status() == GuestStatus.PAUSED;
 * }</pre>
 */
public enum GuestStatus {
  /** The guest's CPUs run. */
  RUNNING,
  /** Paused by {@link QemuGuest#stop()} (or a debugger); {@link QemuGuest#cont()} resumes it. */
  PAUSED,
  /** A QEMU started for an incoming migration, waiting for the guest's state. */
  INMIGRATE,
  /** The source of a completed migration: the guest runs elsewhere now. */
  POSTMIGRATE,
  /** The guest shut down or QEMU is shutting down. */
  SHUTDOWN,
  /** Stopped for another reason QEMU names (an I/O error, a watchdog, a failed migration...). */
  OTHER,
  /** The QEMU process has exited. */
  OFF;

  /**
   * Maps QMP's {@code status} string.
   *
   * @param qmp the value of {@code query-status}'s {@code status}
   * @return the status; {@link #OTHER} for states without their own constant
   */
  public static GuestStatus fromQmp(String qmp) {
    return switch (qmp.toLowerCase(Locale.ROOT)) {
      case "running" -> RUNNING;
      case "paused" -> PAUSED;
      case "inmigrate" -> INMIGRATE;
      case "postmigrate" -> POSTMIGRATE;
      case "shutdown" -> SHUTDOWN;
      default -> OTHER;
    };
  }
}
