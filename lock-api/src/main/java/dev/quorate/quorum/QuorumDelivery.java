package dev.quorate.quorum;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One event of a {@link QuorumService} and the listeners registered when it happened. */
record QuorumDelivery(QuorumEvent event, List<QuorumListener> targets) {
  private static final Logger log = LoggerFactory.getLogger(QuorumService.class);

  void run(SelfFence selfFence) {
    if (selfFence != null
        && event.lostQuorum()
        && event.noQuorumPolicy() == NoQuorumPolicy.SELF_FENCE) {
      try {
        selfFence.fence(
            SelfFenceReason.QUORUM_LOST,
            "quorum lost at event " + event.sequence() + ": " + event.current());
      } catch (Throwable e) { // an Error too: later events (revocations) must still flow
        // The member could not take itself out: others must fence it. Say so loudly.
        log.error("self-fence after quorum loss {} failed", event.sequence(), e);
      }
    }
    for (QuorumListener listener : targets) {
      try {
        listener.onChange(event);
      } catch (Throwable e) { // an Error too: later events (revocations) must still flow
        // One failing listener must not starve the others nor pass silently.
        log.error("quorum listener failed on event {}", event.sequence(), e);
      }
    }
  }
}
