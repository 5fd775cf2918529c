package dev.quorate.zk.internal;

/**
 * What the queue rules say of a pending conversion: a pure function of one listing, used by {@link
 * ZkConversion} and checked by {@code QueueRulesProperties}.
 */
enum ConversionRule {
  /** Its node is not in the queue any more. */
  VANISHED,
  /** It waits on a conversion that waits on it: the newer one fails. */
  DEADLOCK,
  /** Nothing blocks it. */
  GRANT,
  /** It waits. */
  WAIT;

  /** The rule for the pending conversion node {@code name} in {@code queue}. */
  static ConversionRule of(QueueSnapshot queue, String name) {
    LockNode me = queue.find(name).orElse(null);
    if (me == null) {
      return VANISHED;
    }
    if (queue.deadlocks(me)) {
      return DEADLOCK;
    }
    return queue.blockers(me).isEmpty() ? GRANT : WAIT;
  }
}
