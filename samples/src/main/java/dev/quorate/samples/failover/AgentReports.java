package dev.quorate.samples.failover;

import dev.quorate.fence.FenceDecision;
import dev.quorate.fence.FenceGuard;
import dev.quorate.qdisk.QuorumDiskEvent;
import dev.quorate.quorum.MemberId;

/** How a host's cluster manager reports quorum-disk events and guard decisions to the demo. */
final class AgentReports {
  private AgentReports() {}

  /** Reports what the quorum disk saw change; heartbeat renewals are not news. */
  static void diskEvent(HostConfig config, Emitter out, QuorumDiskEvent event) {
    String node =
        event.nodeId() < 1
            ? "nobody"
            : config.nameOf(MemberId.of(event.nodeId())).orElse("node " + event.nodeId());
    switch (event.kind()) {
      case NODE_UP, NODE_DOWN, NODE_STOPPED, NODE_RESTARTED ->
          out.emit(
              "disk",
              "quorum disk: "
                  + node
                  + " "
                  + event.kind().name().substring(5)
                  + " ("
                  + event.detail()
                  + ")",
              "node",
              node,
              "change",
              event.kind().name());
      case MASTER_CHANGED -> out.emit("master", "quorum disk: master is now " + node, "node", node);
      case EVICTED, SELF_FENCE, UNDEAD_WRITE ->
          out.emit(
              "disk",
              "quorum disk: " + event.kind() + " " + node + ": " + event.detail(),
              "node",
              node,
              "change",
              event.kind().name());
      default -> {
        // TENURE renewals and test messages are not news.
      }
    }
  }

  /** The guard, with every decision also printed for the demo. */
  static FenceGuard guard(FenceGuard guard, Emitter out) {
    return proposal -> {
      FenceDecision decision = guard.decide(proposal);
      out.emit(
          "guard",
          "fence guard, level "
              + proposal.level().index()
              + " ("
              + proposal.scope()
              + ", "
              + proposal.request().action().protocolName()
              + " "
              + proposal.request().target()
              + "): "
              + (decision.allowed() ? "ALLOWED " : "REFUSED ")
              + decision.reason()
              + ": "
              + decision.explanation(),
          "target",
          proposal.request().target(),
          "level",
          Integer.toString(proposal.level().index()),
          "scope",
          proposal.scope().name(),
          "allowed",
          Boolean.toString(decision.allowed()),
          "reason",
          decision.reason().name());
      return decision;
    };
  }
}
