package dev.quorate.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.LockMode;
import dev.quorate.lock.ValueBlock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ZkNodes#release} on a real server: its answer says whether the staged value block was
 * written, and a value block that could not be written is not (the node goes all the same).
 */
@Timeout(60)
class ZkNodesReleaseIT {
  private static final String CONTAINER = "/quorate/locks/r";
  private TestingServer server;
  private CuratorFramework client;
  private ZkNodes nodes;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    client = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    client.start();
    client.blockUntilConnected(20, TimeUnit.SECONDS);
    nodes =
        new ZkNodes(
            new ZkSession(
                client,
                null,
                "owner".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(10),
                new ValuedContainers()));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  private ZkNodes.Created held() {
    return nodes.create(CONTAINER, LockNode.requestPrefix(LockMode.EX));
  }

  private static ValueBlock text(String value) {
    return ValueBlock.of(value.getBytes(StandardCharsets.UTF_8));
  }

  private String written() throws Exception {
    return new String(client.getData().forPath(CONTAINER), StandardCharsets.UTF_8);
  }

  @Test
  void aValueBlockWrittenWithTheReleaseIsReportedWritten() throws Exception {
    ZkNodes.Created node = held();
    int version = nodes.reads().readValue(CONTAINER).version();

    ZkNodes.Release answer =
        nodes.release(CONTAINER, node.path(), text("v1"), version).get(10, TimeUnit.SECONDS);

    assertThat(answer).isEqualTo(ZkNodes.Release.VALUE_WRITTEN);
    assertThat(written()).isEqualTo("v1");
    assertThat(client.checkExists().forPath(node.path())).isNull();
  }

  @Test
  void aValueBlockOverAStaleVersionIsNotWrittenAndTheAnswerSaysSo() throws Exception {
    ZkNodes.Created node = held();
    int version = nodes.reads().readValue(CONTAINER).version();
    client.setData().forPath(CONTAINER, "newer".getBytes(StandardCharsets.UTF_8));

    ZkNodes.Release answer =
        nodes.release(CONTAINER, node.path(), text("stale"), version).get(10, TimeUnit.SECONDS);

    assertThat(answer).isEqualTo(ZkNodes.Release.VALUE_NOT_WRITTEN);
    assertThat(written()).isEqualTo("newer");
    assertThat(client.checkExists().forPath(node.path())).isNull();
  }

  @Test
  void aValueBlockOfAHolderWhoseNodeIsGoneIsNotWrittenAndTheAnswerSaysSo() throws Exception {
    ZkNodes.Created node = held();
    int version = nodes.reads().readValue(CONTAINER).version();
    client.delete().forPath(node.path()); // the lease was lost: another client deleted its node

    ZkNodes.Release answer =
        nodes.release(CONTAINER, node.path(), text("late"), version).get(10, TimeUnit.SECONDS);

    assertThat(answer).isEqualTo(ZkNodes.Release.VALUE_NOT_WRITTEN);
    assertThat(written()).isEmpty();
  }

  @Test
  void aReleaseWithoutAValueBlockDeletesTheNode() throws Exception {
    ZkNodes.Created node = held();

    assertThat(nodes.release(CONTAINER, node.path(), null, -1).get(10, TimeUnit.SECONDS))
        .isEqualTo(ZkNodes.Release.DELETED);
    assertThat(client.checkExists().forPath(node.path())).isNull();
  }
}
