package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.Leader;
import dev.quorate.lock.QuorateException;
import dev.quorate.lock.spi.LeaderSeat;
import dev.quorate.lock.spi.PermitQueue;
import java.util.Optional;

/**
 * The seat of an election in ZooKeeper: a one-permit {@link ZkPermitQueue} whose nodes carry the
 * candidates' names, and whose first node, once announced, is the leader.
 */
final class ZkSeat implements LeaderSeat {
  private final ZkPermitQueue queue;

  ZkSeat(ZkPermitQueue queue) {
    this.queue = queue;
  }

  @Override
  public PermitQueue queue() {
    return queue;
  }

  @Override
  public Optional<Leader> read() {
    try {
      return queue.readFirst().leader();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new QuorateException(
          ErrorCode.CONNECTION_LOSS,
          "could not read the leader of election '" + queue.name() + "'",
          e);
    }
  }

  @Override
  public void watch(Runnable changed) {
    queue.watch(changed);
  }

  @Override
  public void unwatch(Runnable changed) {
    queue.unwatch(changed);
  }
}
