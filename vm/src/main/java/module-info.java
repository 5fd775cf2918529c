/**
 * Quorate's virtual machines ({@link dev.quorate.vm}): QEMU guests controlled over QMP, with live
 * migration, and the record format of Quorate's test guest.
 */
module dev.quorate.vm {
  requires transitive dev.quorate.lock;

  exports dev.quorate.vm;
}
