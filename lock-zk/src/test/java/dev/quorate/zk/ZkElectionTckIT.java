package dev.quorate.zk;

import dev.quorate.lock.LockManager;
import dev.quorate.lock.tck.ElectionTck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The election TCK on one ZooKeeper server; a lost leader is one whose session expired. */
@Timeout(120)
class ZkElectionTckIT extends ElectionTck {
  private static ZkRecipeMembers members;

  @BeforeAll
  static void startServer() throws Exception {
    members = new ZkRecipeMembers();
  }

  @AfterAll
  static void stopServer() throws Exception {
    members.close();
  }

  @Override
  protected LockManager newManager() throws InterruptedException {
    return members.member();
  }

  @Override
  protected LockManager newPeer(LockManager first) throws InterruptedException {
    return members.member();
  }

  @Override
  protected int rounds() {
    return 10;
  }

  @Override
  protected void loseSession(LockManager member) throws Exception {
    members.expire(member);
  }
}
