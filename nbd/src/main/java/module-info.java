/**
 * Quorate's token-fenced network block device ({@link dev.quorate.nbd}): an NBD server whose
 * exports are plain files guarded by fencing tokens, so that a disk which checks nothing itself (a
 * virtual machine's) still rejects a stale holder.
 */
module dev.quorate.nbd {
  requires transitive dev.quorate.lock;
  requires org.slf4j;

  exports dev.quorate.nbd;
}
