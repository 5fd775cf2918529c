/**
 * Quorate's node fencing ({@link dev.quorate.fence}): the fence agent SPI, the fence-agents exec
 * adapter, levels and delays, and the topology-aware fence guard.
 *
 * @uses dev.quorate.fence.FenceAgent
 */
module dev.quorate.fence {
  requires transitive dev.quorate.lock;
  requires java.xml;
  requires org.slf4j;
  // Optional: only dev.quorate.fence.metrics uses it, and only when the application measures.
  requires static micrometer.core;

  exports dev.quorate.fence;
  exports dev.quorate.fence.metrics;

  uses dev.quorate.fence.FenceAgent;
}
