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

  exports dev.quorate.fence;

  uses dev.quorate.fence.FenceAgent;
}
