/**
 * Quorate's runnable samples: the VM failover demo and the multi-JVM ledger. An application, not a
 * library: it exports nothing.
 */
module dev.quorate.samples {
  requires dev.quorate.lock;
  requires dev.quorate.zk;
  requires dev.quorate.fence;
  requires dev.quorate.qdisk;
  requires dev.quorate.nbd; // the VMs' token-fenced disks
  requires dev.quorate.vm; // the VMs: QEMU guests
  requires zookeeper; // the demo's lock server
  requires curator.client; // the demo hosts' retry policy
  requires info.picocli;

  // picocli reads the ledger sample's commands by reflection.
  opens dev.quorate.samples.ledger to
      info.picocli;
}
