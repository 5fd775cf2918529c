package dev.quorate.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A leader election among the members of a lock space: candidates {@linkplain #campaign campaign},
 * one at a time leads, everyone may {@linkplain #leader() look} at the current leader or
 * {@linkplain #addObserver observe} it change.
 *
 * <h2>Why there are never two leaders that a resource accepts</h2>
 *
 * Every leadership carries an epoch, a {@link FencingToken} greater than that of every leadership
 * before it. A {@link Leadership} ends for good as soon as its connection to the lock service is
 * suspended ({@link LeaseState#SUSPECT} of a lease), before the lock service can have ended its
 * session and elected another candidate; it does not come back when the connection does. A leader
 * that is paused (a stopped VM, a long garbage collection) cannot notice that in time, so the
 * leader shows its epoch to what it acts upon, and a {@link TokenGuard} there turns away the old
 * leader once the new one has acted. Curator's two-leaders reports (CURATOR-444, -460, -653) come
 * from leadership kept across a suspended connection or re-established after a reconnection, with
 * nothing the resource could check; docs/elections.md tells the cases.
 *
 * <pre>{@code
 * Election election = manager.election("scheduler");
 * try (Leadership leadership = election.campaign("node-a")) {
 *   while (leadership.isLeading()) {
 *     jobs.runNext(leadership.token()); // the job store admits the token through a TokenGuard
 *   }
 * }
 * }</pre>
 *
 * <p>Candidates are elected in the order they started to campaign. Thread-safe.
 */
public interface Election {
  /**
   * Returns the election's name.
   *
   * @return the name
   */
  String name();

  /**
   * Campaigns until elected.
   *
   * @param candidate who campaigns, as observers will see it (1 to 256 characters, no controls)
   * @return the leadership, leading
   * @throws InterruptedException if interrupted while waiting; the candidacy is withdrawn
   * @throws IllegalArgumentException if the candidate name is invalid
   * @throws QuorateException with {@link ErrorCode#CLOSED} if the manager is closed, or {@link
   *     ErrorCode#CONNECTION_LOSS} if the lock service cannot be reached
   */
  Leadership campaign(String candidate) throws InterruptedException;

  /**
   * Campaigns for at most {@code timeout}.
   *
   * @param candidate who campaigns
   * @param timeout how long to wait; zero means lead only if nobody leads or waits now
   * @return the leadership, or empty if the timeout passed (the candidacy is withdrawn)
   * @throws InterruptedException if interrupted while waiting; the candidacy is withdrawn
   * @throws IllegalArgumentException if the candidate name is invalid or the timeout negative
   * @throws QuorateException with {@link ErrorCode#CLOSED} if the manager is closed
   */
  Optional<Leadership> tryCampaign(String candidate, Duration timeout) throws InterruptedException;

  /**
   * Campaigns without waiting. Cancelling the future withdraws the candidacy; a leadership won at
   * the same moment is resigned.
   *
   * @param candidate who campaigns
   * @return a future completed with the leadership, or exceptionally with {@link QuorateException}
   * @throws IllegalArgumentException if the candidate name is invalid
   */
  CompletableFuture<Leadership> campaignAsync(String candidate);

  /**
   * Reads the current leader from the lock service.
   *
   * @return the leader, or empty if nobody leads now
   * @throws QuorateException with {@link ErrorCode#CONNECTION_LOSS} if the lock service cannot be
   *     reached, or {@link ErrorCode#CLOSED} if the manager is closed
   */
  Optional<Leader> leader();

  /**
   * Adds an observer of the leader. It hears the current leader (or that nobody leads) first, then
   * every change it sees, each once and in epoch order, on a thread of the lock manager. Between
   * two looks at a networked lock service a short leadership may come and go unseen, as with etcd's
   * {@code Observe}; an observer never hears an older leader after a newer one.
   *
   * @param observer the observer
   */
  void addObserver(LeaderObserver observer);

  /**
   * Removes an observer; changes not yet delivered to it may still be.
   *
   * @param observer the observer
   */
  void removeObserver(LeaderObserver observer);
}
