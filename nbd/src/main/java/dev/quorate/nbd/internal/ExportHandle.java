package dev.quorate.nbd.internal;

import dev.quorate.lock.FencingToken;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection's open of an export with one fencing token. Revocation is decided by the export's
 * guard on every access; the flags here only keep the log to one line per event and connection.
 */
final class ExportHandle implements AutoCloseable {
  private final Export export;
  private final FencingToken token;
  private final String peer;
  private final AtomicBoolean revoked = new AtomicBoolean();
  private final AtomicBoolean refused = new AtomicBoolean();
  private final AtomicBoolean standby;

  ExportHandle(Export export, FencingToken token, boolean standby, String peer) {
    this.export = export;
    this.token = token;
    this.standby = new AtomicBoolean(standby);
    this.peer = peer;
  }

  /** Whether this is a standby open that has not written yet. */
  boolean standby() {
    return standby.get();
  }

  /** Ends the standby after the first write; returns true the first time only. */
  boolean takeOver() {
    return standby.compareAndSet(true, false);
  }

  Export export() {
    return export;
  }

  FencingToken token() {
    return token;
  }

  String peer() {
    return peer;
  }

  /** Marks the handle revoked; returns true the first time only. */
  boolean revoke() {
    return revoked.compareAndSet(false, true);
  }

  /** Notes a request refused for a stale token; returns true the first time only. */
  boolean noteRefused() {
    revoked.set(true);
    return refused.compareAndSet(false, true);
  }

  @Override
  public void close() {
    export.forget(this);
  }
}
