package dev.quorate.lock;

/**
 * Hears the end of a {@link Leadership}.
 *
 * <pre>{@code
 * leadership.addListener(ended -> log.warn("no longer leading: {}", ended.cause()));
 * }</pre>
 */
@FunctionalInterface
public interface LeadershipListener {
  /**
   * Called once, when the leadership ends.
   *
   * @param ended the leadership's end
   */
  void onEnd(LeadershipEnd ended);
}
