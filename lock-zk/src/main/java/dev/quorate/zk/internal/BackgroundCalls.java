package dev.quorate.zk.internal;

import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;

/**
 * Curator's background calls as futures: the one place where the result code of ZooKeeper's answer
 * decides between success and failure. An answer completes its future on Curator's event thread, so
 * dependents attached before the call is sent run there, before the events of any watch it set.
 */
final class BackgroundCalls {
  private BackgroundCalls() {}

  /** A call that hands its callback to Curator's {@code inBackground}. */
  @FunctionalInterface
  interface Call {
    void send(BackgroundCallback callback) throws Exception;
  }

  /** Sends {@code call}; its answer as {@link #completing} takes it, an answer OK only. */
  static CompletableFuture<CuratorEvent> send(String path, Call call) {
    return send(path, KeeperException.Code.OK, call);
  }

  /**
   * Sends {@code call}; its answer as {@link #completing} takes it, or the failure to send it.
   *
   * @param accepted a result code that is an answer too, besides OK
   */
  static CompletableFuture<CuratorEvent> send(
      String path, KeeperException.Code accepted, Call call) {
    CompletableFuture<CuratorEvent> answer = new CompletableFuture<>();
    send(answer, path, accepted, call);
    return answer;
  }

  /** As {@link #send(String, KeeperException.Code, Call)}, into {@code answer}. */
  static void send(
      CompletableFuture<CuratorEvent> answer,
      String path,
      KeeperException.Code accepted,
      Call call) {
    try {
      call.send(completing(answer, path, accepted));
    } catch (Exception e) {
      answer.completeExceptionally(e);
    }
  }

  /**
   * The callback that completes {@code answer} with ZooKeeper's answer if its result code is OK or
   * {@code accepted}, else fails it with that code's {@link KeeperException} for {@code path}: for
   * a call whose failure to send goes to its caller.
   */
  static BackgroundCallback completing(
      CompletableFuture<CuratorEvent> answer, String path, KeeperException.Code accepted) {
    return (client, event) -> {
      KeeperException.Code code = code(event);
      if (code == KeeperException.Code.OK || code == accepted) {
        answer.complete(event);
      } else {
        answer.completeExceptionally(KeeperException.create(code, path));
      }
    };
  }

  /** The result code of ZooKeeper's answer. */
  static KeeperException.Code code(CuratorEvent event) {
    return KeeperException.Code.get(event.getResultCode());
  }
}
