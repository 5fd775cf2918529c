package dev.quorate.lock.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.Lease;
import dev.quorate.lock.LockManager;
import dev.quorate.lock.LockMode;
import dev.quorate.lock.LockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Factory and helpers shared by the TCK classes. An implementation runs the whole kit by extending
 * {@link LockManagerTck} and supplying {@link #newManager()} (and, for a distributed manager,
 * {@link #newPeer}).
 */
@Timeout(120)
public abstract class TckSupport {
  /** How long a test waits for something that must happen. */
  protected static final Duration PATIENCE = Duration.ofSeconds(20);

  /**
   * How long a test watches for something that must not happen (a grant to an incompatible
   * request). Not a synchronisation: a correct manager never grants within any window.
   */
  protected static final Duration REFUSAL_WINDOW = Duration.ofMillis(300);

  private final List<LockManager> opened = new CopyOnWriteArrayList<>();
  private LockManager manager;
  private LockManager peer;
  private String testName;

  /**
   * Creates a member on the lock space shared by all managers this TCK run creates. Called once per
   * test; the TCK closes it.
   *
   * @return a new, open manager
   * @throws Exception if the manager cannot be created
   */
  protected abstract LockManager newManager() throws Exception;

  /**
   * Creates another member on the same lock space as {@code first}, such as a second client with
   * its own session. The default returns {@code first}: one member serves both roles.
   *
   * @param first the manager returned by {@link #newManager()}
   * @return a manager that contends with {@code first}
   * @throws Exception if the manager cannot be created
   */
  protected LockManager newPeer(LockManager first) throws Exception {
    return first;
  }

  /**
   * A guarantee that a manager may give only among the requests of one member (one client, one
   * host), not between members: a manager whose members share nothing but a disk or a store without
   * notifications cannot, for instance, tell a holder on another host that a request waits.
   */
  protected enum CrossMember {
    /** Blocking callbacks reach a holder on another member. */
    BLOCKING_CALLBACKS,
    /** Incompatible waiters of several members are granted in their arrival order. */
    ARRIVAL_ORDER,
    /** A value block written by one member is read by the next holder on another. */
    VALUE_BLOCKS,
    /** Conversions of several members that wait for each other are reported as a deadlock. */
    CONVERSION_DEADLOCKS
  }

  /**
   * Returns the guarantees this implementation gives between members too. The default is all of
   * them. A test that needs one the implementation leaves out runs with {@link #manager()} in the
   * contending role as well ({@link #peerFor}), where the guarantee must hold; an implementation
   * must document the ones it leaves out.
   *
   * @return the guarantees given between members
   */
  protected Set<CrossMember> crossMemberGuarantees() {
    return EnumSet.allOf(CrossMember.class);
  }

  /**
   * Returns {@link #peer()} if the implementation gives every guarantee in {@code needed} between
   * members, else {@link #manager()}.
   *
   * @param needed the guarantees the calling test checks
   * @return the member to contend with
   * @throws Exception if it cannot be created
   */
  protected final LockManager peerFor(CrossMember... needed) throws Exception {
    return crossMemberGuarantees().containsAll(List.of(needed)) ? peer() : manager();
  }

  /**
   * Returns {@link #anotherPeer()} if the implementation gives every guarantee in {@code needed}
   * between members, else {@link #manager()}.
   *
   * @param needed the guarantees the calling test checks
   * @return a member to contend with
   * @throws Exception if it cannot be created
   */
  protected final LockManager anotherPeerFor(CrossMember... needed) throws Exception {
    return crossMemberGuarantees().containsAll(List.of(needed)) ? anotherPeer() : manager();
  }

  /**
   * Returns the modes this implementation grants. Tests that need another mode are skipped, and
   * {@link LockManagerTck} checks that every other mode is refused with a clear error. The default
   * is every mode; a manager may leave out any but NL, PR and EX.
   *
   * @return the supported modes
   */
  protected Set<LockMode> supportedModes() {
    return EnumSet.allOf(LockMode.class);
  }

  /**
   * Skips the calling test unless the implementation supports every mode given.
   *
   * @param modes the modes the test uses
   */
  protected final void assumeModes(LockMode... modes) {
    Assumptions.assumeTrue(
        supportedModes().containsAll(List.of(modes)),
        () -> "the manager under test does not offer all of " + List.of(modes));
  }

  @BeforeEach
  final void nameTest(TestInfo info) {
    testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
  }

  @AfterEach
  final void closeManagers() {
    for (LockManager opened : this.opened) {
      opened.close();
    }
  }

  /**
   * Returns this test's first member, creating it on first use.
   *
   * @return the manager
   * @throws Exception if it cannot be created
   */
  protected final LockManager manager() throws Exception {
    if (manager == null) {
      manager = track(newManager());
    }
    return manager;
  }

  /**
   * Returns this test's second member, creating it on first use.
   *
   * @return the peer manager
   * @throws Exception if it cannot be created
   */
  protected final LockManager peer() throws Exception {
    if (peer == null) {
      peer = track(newPeer(manager()));
    }
    return peer;
  }

  /**
   * Creates one more member that contends with {@link #manager()}, as {@link #newPeer} does (with
   * the default, the same member again). The TCK closes it.
   *
   * @return a contending manager
   * @throws Exception if it cannot be created
   */
  protected final LockManager anotherPeer() throws Exception {
    return track(newPeer(manager()));
  }

  /**
   * Creates a further member that the test may close itself.
   *
   * @return a new manager
   * @throws Exception if it cannot be created
   */
  protected final LockManager extraManager() throws Exception {
    return track(newManager());
  }

  private LockManager track(LockManager created) {
    opened.add(created);
    return created;
  }

  /**
   * Returns a resource name no other test uses.
   *
   * @return a fresh name
   */
  protected final String freshResource() {
    return "tck-" + testName + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Waits up to {@link #PATIENCE}.
   *
   * @return an Awaitility condition
   */
  protected static ConditionFactory eventually() {
    return Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5));
  }

  /**
   * Asserts that {@code mode} on {@code resource} is refused for {@link #REFUSAL_WINDOW}.
   *
   * @param member the member that asks
   * @param resource the resource
   * @param mode the mode asked for
   * @throws Exception on failure
   */
  protected static void assertRefused(LockManager member, String resource, LockMode mode)
      throws Exception {
    Optional<Lease> lease = member.lock(resource).tryAcquire(mode, REFUSAL_WINDOW);
    lease.ifPresent(Lease::release);
    assertThat(lease).as("%s on %s must not be granted", mode, resource).isEmpty();
  }

  /**
   * Acquires {@code mode}, failing the test if not granted within {@link #PATIENCE}.
   *
   * @param member the member that asks
   * @param resource the resource
   * @param mode the mode
   * @return the lease
   * @throws Exception on failure
   */
  protected static Lease grant(LockManager member, String resource, LockMode mode)
      throws Exception {
    Optional<Lease> lease = member.lock(resource).tryAcquire(mode, PATIENCE);
    assertThat(lease).as("%s on %s must be granted", mode, resource).isPresent();
    return lease.get();
  }

  /** Records blocking callbacks: which modes waited on the holder. */
  protected static final class BlockingRecorder {
    private final List<LockMode> requested = new CopyOnWriteArrayList<>();

    /**
     * Returns options that report to this recorder.
     *
     * @return lock options with the callback
     */
    public LockOptions options() {
      return LockOptions.builder().onBlocking((lease, mode) -> requested.add(mode)).build();
    }

    /**
     * Returns the requested modes seen so far, in order.
     *
     * @return a snapshot
     */
    public List<LockMode> seen() {
      return new ArrayList<>(requested);
    }

    /**
     * Waits until {@code count} callbacks arrived.
     *
     * @param count how many
     */
    public void awaitCount(int count) {
      eventually().until(() -> requested.size() >= count);
    }
  }
}
