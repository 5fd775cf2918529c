package dev.quorate.nbd.internal;

import dev.quorate.lock.StaleTokenException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transmission phase of one connection: requests read and answered one at a time, in order,
 * with simple replies.
 *
 * <p>A write is received whole before it is applied, so a client that vanishes or stalls half-way
 * writes nothing, and a revocation falls before or after the whole write. Errors: {@code EPERM} for
 * a revoked connection, {@code EINVAL} for bad flags, oversized requests and reads or trims out of
 * range, {@code ENOSPC} for writes past the end (the protocol's advice), {@code EIO} when the image
 * fails.
 */
final class Transmission {
  private static final Logger LOG = LoggerFactory.getLogger(Transmission.class);

  /** Bounds the time a started request may take to arrive. */
  interface RequestDeadline {
    /** Called when the first byte of a request arrived. */
    void arm();

    /** Called when the whole request (and payload) arrived. */
    void disarm();
  }

  private final ExportHandle handle;
  private final int maxRequestBytes;
  private final RequestDeadline deadline;

  Transmission(ExportHandle handle, int maxRequestBytes, RequestDeadline deadline) {
    this.handle = handle;
    this.maxRequestBytes = maxRequestBytes;
    this.deadline = deadline;
  }

  /**
   * Serves requests until the client disconnects.
   *
   * @throws ProtocolViolation if the client broke the protocol; the connection must be closed
   * @throws IOException if the connection failed (a client vanishing mid-request among others)
   */
  void run(DataInputStream in, DataOutputStream out) throws IOException, ProtocolViolation {
    byte[] header = new byte[Request.HEADER_BYTES];
    while (true) {
      int first = in.read();
      if (first < 0) {
        LOG.info("{}: closed the connection without NBD_CMD_DISC", handle.peer());
        return;
      }
      deadline.arm();
      header[0] = (byte) first;
      in.readFully(header, 1, header.length - 1);
      Request request = Request.decode(header);
      if (request.type() == Protocol.CMD_WRITE) {
        if (request.length() > maxRequestBytes) {
          reply(out, request, Protocol.EINVAL);
          throw new ProtocolViolation(
              request
                  + " exceeds the largest request, "
                  + maxRequestBytes
                  + " bytes; its payload is not read, so the connection closes");
        }
        byte[] payload = new byte[(int) request.length()];
        in.readFully(payload);
        deadline.disarm();
        reply(out, request, write(request, payload));
        continue;
      }
      deadline.disarm();
      switch (request.type()) {
        case Protocol.CMD_DISC:
          LOG.info("{}: disconnected (NBD_CMD_DISC)", handle.peer());
          return;
        case Protocol.CMD_READ:
          read(request, out);
          break;
        case Protocol.CMD_FLUSH:
          reply(
              out,
              request,
              request.flagsKnown() ? flush(request) : invalid(request, "unknown flags"));
          break;
        case Protocol.CMD_TRIM:
          reply(out, request, trim(request));
          break;
        default:
          reply(out, request, invalid(request, "unknown command"));
      }
    }
  }

  private int write(Request request, byte[] payload) {
    if (!request.flagsKnown()) {
      return invalid(request, "unknown flags");
    }
    if (!request.within(handle.export().size())) {
      LOG.warn(
          "{}: {} lies beyond the export's {} bytes, nothing written",
          handle.peer(),
          request,
          handle.export().size());
      return Protocol.ENOSPC;
    }
    return fenced(
        request,
        () ->
            handle
                .export()
                .write(
                    handle, request.offset(), ByteBuffer.wrap(payload), request.forceUnitAccess()));
  }

  private void read(Request request, DataOutputStream out) throws IOException {
    if (!request.flagsKnown()) {
      reply(out, request, invalid(request, "unknown flags"));
      return;
    }
    if (request.length() > maxRequestBytes) {
      reply(out, request, invalid(request, "length above " + maxRequestBytes + " bytes"));
      return;
    }
    if (!request.within(handle.export().size())) {
      reply(out, request, invalid(request, "range beyond " + handle.export().size() + " bytes"));
      return;
    }
    ByteBuffer data = ByteBuffer.allocate((int) request.length());
    int error = fenced(request, () -> handle.export().read(handle, request.offset(), data));
    reply(out, request, error);
    if (error == 0) {
      out.write(data.array());
    }
    out.flush();
  }

  private int flush(Request request) {
    return fenced(request, () -> handle.export().flush(handle));
  }

  private int trim(Request request) {
    if (!request.flagsKnown()) {
      return invalid(request, "unknown flags");
    }
    if (!request.within(handle.export().size())) {
      return invalid(request, "range beyond " + handle.export().size() + " bytes");
    }
    return fenced(request, () -> handle.export().trim(handle));
  }

  private interface Access {
    void run() throws IOException;
  }

  private int fenced(Request request, Access access) {
    try {
      access.run();
      return 0;
    } catch (StaleTokenException e) {
      // A stale guest still trying to write is what an operator must see, once per connection.
      if (handle.noteRefused()) {
        LOG.warn(
            "{}: {} on export {} refused with EPERM: {}; this connection is revoked, later"
                + " refusals are not logged",
            handle.peer(),
            request,
            handle.export().name(),
            e.getMessage());
      }
      return Protocol.EPERM;
    } catch (IOException e) {
      LOG.error("{}: {} on export {} failed", handle.peer(), request, handle.export().name(), e);
      return Protocol.EIO;
    }
  }

  private int invalid(Request request, String why) {
    LOG.warn("{}: {} refused with EINVAL: {}", handle.peer(), request, why);
    return Protocol.EINVAL;
  }

  /** Writes a simple reply header; a read's data follows it. */
  private static void reply(DataOutputStream out, Request request, int error) throws IOException {
    out.writeInt(Protocol.SIMPLE_REPLY_MAGIC);
    out.writeInt(error);
    out.writeLong(request.cookie());
    if (request.type() != Protocol.CMD_READ || error != 0) {
      out.flush();
    }
  }
}
