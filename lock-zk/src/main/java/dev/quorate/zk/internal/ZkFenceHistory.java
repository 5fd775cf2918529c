package dev.quorate.zk.internal;

import dev.quorate.fence.FenceHistory;
import dev.quorate.fence.FenceRecord;
import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * A cluster's fence history in ZooKeeper: one persistent sequential node per record, holding the
 * record as the same JSON line a history file holds. Nodes are never changed or deleted, so records
 * already read are cached and each read fetches only the new ones. The sequence number (the last
 * ten digits of the name, given by the server) orders records the same way for every member.
 *
 * <p>A node that is not a fence record fails the read with its path named: skipping it could forget
 * a fence and with it a quiet time, so the fencer stops instead of guessing.
 */
public final class ZkFenceHistory implements FenceHistory {
  private static final String PREFIX = "r-";

  private final CuratorFramework client;
  private final String path;

  /** Sequence number to record, of every node read so far. */
  private final TreeMap<Long, FenceRecord> cache = new TreeMap<>();

  /**
   * Creates the history over a connected client.
   *
   * @param client the client
   * @param path the parent of the record nodes, which must exist
   */
  public ZkFenceHistory(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
  }

  @Override
  public void append(FenceRecord record) {
    byte[] data = record.toJson().getBytes(StandardCharsets.UTF_8);
    try {
      // Protected: a create retried after a lost reply finds its node instead of adding another.
      client
          .create()
          .withProtection()
          .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
          .forPath(path + "/" + PREFIX, data);
    } catch (Exception e) {
      QuorateException failure = ZkNodes.failure("append to the fence history " + path, e);
      throw new QuorateException(ErrorCode.IO_FAILURE, failure.getMessage(), e);
    }
  }

  @Override
  public synchronized List<FenceRecord> records() {
    return List.copyOf(catchUp().values());
  }

  /**
   * Returns the highest sequence number recorded now.
   *
   * @return the sequence number, or -1 if the history is empty
   */
  public long lastSequence() {
    List<String> names = children();
    long last = -1;
    for (String name : names) {
      last = Math.max(last, sequence(name));
    }
    return last;
  }

  /**
   * Returns the records appended after a sequence number, oldest first.
   *
   * @param mark a sequence number from {@link #lastSequence}
   * @return the newer records
   */
  public synchronized List<FenceRecord> recordsAfter(long mark) {
    return List.copyOf(catchUp().tailMap(mark, false).values());
  }

  @Override
  public List<String> problems() {
    return List.of(); // a bad node fails the read instead: see the class comment
  }

  private TreeMap<Long, FenceRecord> catchUp() {
    for (String name : children()) {
      long seq = sequence(name);
      if (cache.containsKey(seq)) {
        continue;
      }
      String node = path + "/" + name;
      byte[] data;
      try {
        data = client.getData().forPath(node);
      } catch (Exception e) {
        throw ZkNodes.failure("read the fence history node " + node, e);
      }
      try {
        cache.put(seq, FenceRecord.fromJson(new String(data, StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException e) {
        throw new QuorateException(
            ErrorCode.CORRUPT_DATA,
            "fence history node " + node + " is not a fence record: " + e.getMessage(),
            e);
      }
    }
    return cache;
  }

  private List<String> children() {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return new ArrayList<>();
    } catch (Exception e) {
      throw ZkNodes.failure("list the fence history " + path, e);
    }
  }

  private long sequence(String name) {
    int digits = name.length() - 10;
    try {
      if (digits < PREFIX.length() || !name.startsWith(PREFIX, digits - PREFIX.length())) {
        throw new NumberFormatException("no sequence suffix");
      }
      return Long.parseLong(name.substring(digits));
    } catch (NumberFormatException e) {
      throw new QuorateException(
          ErrorCode.CORRUPT_DATA,
          "fence history node "
              + path
              + "/"
              + name
              + " is not a history record (expected a name ending in r- and ten digits)",
          e);
    }
  }
}
