package dev.quorate.disklease.internal;

import dev.quorate.disklease.internal.LeaseValue.Holder;
import dev.quorate.disklease.internal.LeaseValue.SlotMode;
import dev.quorate.lock.QuorateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The holder's side of the request blocks: once per renewal interval, reads the requests of every
 * slot this host holds and hands each live other host's pending request that conflicts with the
 * held mode to the blocking callbacks. Runs on the Paxos worker, which owns the {@link HostWatch}.
 */
final class RequestWatch {
  private static final Logger LOG = LoggerFactory.getLogger(RequestWatch.class);

  private final PaxosLease paxos;
  private final HostWatch watch;
  private final SlotClaims claims;
  private final int hostId;
  private final BiConsumer<Integer, List<SlotRequest>> waiting;

  /**
   * @param waiting told, for each held slot at every read, of the conflicting live requests of
   *     other hosts that wait for it (none included)
   */
  RequestWatch(
      PaxosLease paxos,
      HostWatch watch,
      SlotClaims claims,
      int hostId,
      BiConsumer<Integer, List<SlotRequest>> waiting) {
    this.paxos = paxos;
    this.watch = watch;
    this.claims = claims;
    this.hostId = hostId;
    this.waiting = waiting;
  }

  /** Reads the requests of the held slots once. */
  void poll() {
    for (Map.Entry<Integer, SlotMode> held : claims.held().entrySet()) {
      int slot = held.getKey();
      try {
        List<SlotRequest> conflicting = new ArrayList<>();
        for (SlotRequest r : paxos.requests(slot)) {
          if (r.hostId() != hostId
              && r.conflictsWith(held.getValue())
              && !watch.isDead(new Holder(r.hostId(), r.generation()))) {
            conflicting.add(r);
          }
        }
        waiting.accept(slot, conflicting);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (QuorateException e) {
        LOG.debug("resource slot {}: reading its requests failed: {}", slot, e.getMessage());
      } catch (RuntimeException e) {
        // Runs as a periodic task: a throw would end the polling for good.
        LOG.warn("resource slot {}: reading its requests failed", slot, e);
      }
    }
  }
}
