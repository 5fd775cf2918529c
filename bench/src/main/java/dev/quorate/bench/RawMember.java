package dev.quorate.bench;

import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;

/**
 * Not a lock: one synchronous create of an ephemeral-sequential node and one delete, the least any
 * ZooKeeper lock must spend on a cold cycle (the floor). Driven by the same loop as the locks.
 */
final class RawMember implements Member {
  private static final byte[] PAYLOAD = "bench".getBytes(StandardCharsets.UTF_8);

  private final CuratorFramework client;

  RawMember(CuratorFramework client) {
    this.client = client;
  }

  @Override
  public Held acquire(String name) throws Exception {
    String path =
        client
            .create()
            // As both locks do: the parent is a container, which the server reaps when empty.
            .creatingParentContainersIfNeeded()
            .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
            .forPath("/bench/raw/n-", PAYLOAD);
    return () -> client.delete().forPath(path);
  }

  @Override
  public void close() {
    client.close();
  }
}
