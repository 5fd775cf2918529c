package dev.quorate.zk.internal;

import dev.quorate.lock.ErrorCode;
import dev.quorate.lock.QuorateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** Runs one ZooKeeper quorum peer inside this JVM, through ZooKeeper's embedded-server API. */
public final class EmbeddedPeerProcess {
  private final int id;
  private final Path baseDir;
  private final Map<String, String> config;
  private final ReentrantLock lock = new ReentrantLock();
  private ZooKeeperServerEmbedded server;

  /**
   * Describes the peer.
   *
   * @param id the server id
   * @param baseDir where the configuration and the data go
   * @param config the zoo.cfg properties but dataDir
   */
  public EmbeddedPeerProcess(int id, Path baseDir, Map<String, String> config) {
    this.id = id;
    this.baseDir = baseDir.toAbsolutePath();
    this.config = Map.copyOf(config);
  }

  /**
   * Says whether the peer runs.
   *
   * @return true if started and not stopped
   */
  public boolean isRunning() {
    lock.lock();
    try {
      return server != null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts the peer unless it runs.
   *
   * @param timeout how long the start may take
   * @throws InterruptedException if interrupted
   */
  public void start(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      if (server != null) {
        return;
      }
      Path dataDir = baseDir.resolve("data");
      Files.createDirectories(dataDir);
      // The peer reads its id from dataDir/myid while parsing the configuration.
      Files.writeString(dataDir.resolve("myid"), Integer.toString(id), StandardCharsets.US_ASCII);
      Properties properties = new Properties();
      properties.putAll(config);
      properties.put("dataDir", dataDir.toString());
      ZooKeeperServerEmbedded started =
          ZooKeeperServerEmbedded.builder()
              .baseDir(baseDir)
              .configuration(properties)
              // Never System.exit() the application because its peer failed.
              .exitHandler(ExitHandler.LOG_ONLY)
              .build();
      try {
        started.start(timeout.toMillis());
      } catch (InterruptedException e) {
        started.close();
        throw e;
      } catch (TimeoutException e) {
        started.close();
        throw new QuorateException(
            ErrorCode.IO_FAILURE, "ZooKeeper peer " + id + " did not start within " + timeout, e);
      }
      server = started;
    } catch (IOException e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "cannot prepare ZooKeeper peer " + id + " in " + baseDir, e);
    } catch (InterruptedException | QuorateException e) {
      throw e;
    } catch (Exception e) {
      throw new QuorateException(
          ErrorCode.IO_FAILURE, "ZooKeeper peer " + id + " failed to start: " + e, e);
    } finally {
      lock.unlock();
    }
  }

  /** Stops the peer if it runs. */
  public void stop() {
    lock.lock();
    try {
      if (server != null) {
        server.close();
        server = null;
      }
    } finally {
      lock.unlock();
    }
  }
}
