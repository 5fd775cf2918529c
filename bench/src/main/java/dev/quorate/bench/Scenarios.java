package dev.quorate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The five workloads of issue 7, written once and run for every library with the same members, lock
 * names, guard and cycle. Each library gets lock names of its own, so that a lock one library
 * caches never stands in the way of another while their windows take turns.
 */
final class Scenarios {
  /** How long any acquire may wait before the cycle counts as an error. */
  static final Duration ACQUIRE_BOUND = Duration.ofSeconds(10);

  /** Makes a member (its own ZooKeeper session) of one library. */
  interface Library {
    String name();

    Member newMember() throws Exception;
  }

  /** One workload set up for one library: its members, threads and cycle. */
  static final class Prepared implements AutoCloseable {
    final Library library;
    final int threads;
    final Windows.Cycle cycle;
    final LongAdder violations;
    private final List<Member> members;
    private final Map<String, Guard> guards;

    Prepared(
        Library library,
        int threads,
        Windows.Cycle cycle,
        LongAdder violations,
        List<Member> members,
        Map<String, Guard> guards) {
      this.library = library;
      this.threads = threads;
      this.cycle = cycle;
      this.violations = violations;
      this.members = members;
      this.guards = guards;
    }

    int members() {
      return members.size();
    }

    /** The turns of the window just run, over all its locks; call only between windows. */
    Turns.Shares takeShares() {
      Turns.Shares all = Turns.Shares.none(members.size());
      for (Guard guard : guards.values()) {
        all = all.plus(guard.takeShares());
      }
      return all;
    }

    @Override
    public void close() {
      members.forEach(Member::close);
    }
  }

  private Scenarios() {}

  /**
   * (1) One thread, cold cycles: the thread alternates between two members on one lock, so every
   * acquisition must take the grant from the other member and caching cannot help.
   */
  static Prepared cold(Library library) throws Exception {
    List<Member> members = members(library, 2);
    return locked(library, members, 1, (thread, i) -> (int) (i % 2), i -> "cold");
  }

  /** (2) One thread of one member reacquiring the same lock, nobody else interested. */
  static Prepared cached(Library library) throws Exception {
    List<Member> members = members(library, 1);
    return locked(library, members, 1, (thread, i) -> 0, i -> "cached");
  }

  /** (3) Eight threads of one member on one lock. */
  static Prepared threadsOneLock(Library library) throws Exception {
    List<Member> members = members(library, 1);
    return locked(library, members, 8, (thread, i) -> 0, i -> "hot8");
  }

  /** (4) Four members, one thread each, on one lock. */
  static Prepared membersOneLock(Library library) throws Exception {
    List<Member> members = members(library, 4);
    return locked(library, members, 4, (thread, i) -> thread, i -> "hot4");
  }

  /** (5) Eight threads of one member, each cycle on a random one of 100 locks. */
  static Prepared threadsManyLocks(Library library) throws Exception {
    List<Member> members = members(library, 1);
    return locked(
        library,
        members,
        8,
        (thread, i) -> 0,
        i -> "many-" + ThreadLocalRandom.current().nextInt(100));
  }

  /** Which member (its index) runs a thread's cycle. */
  private interface Pick {
    int member(int thread, long iteration);
  }

  private interface Name {
    String of(long iteration);
  }

  private static Prepared locked(
      Library library, List<Member> members, int threads, Pick pick, Name name) {
    LongAdder violations = new LongAdder();
    Map<String, Guard> guards = new ConcurrentHashMap<>();
    String prefix = library.name().replaceAll("[^A-Za-z]", "") + "-";
    Windows.Cycle cycle =
        (thread, iteration) -> {
          String lock = prefix + name.of(iteration);
          Guard guard = guards.computeIfAbsent(lock, n -> new Guard(violations, members.size()));
          int member = pick.member(thread, iteration);
          Member.Held held = members.get(member).acquire(lock);
          try {
            guard.access(member);
          } finally {
            held.release();
          }
        };
    return new Prepared(library, threads, cycle, violations, members, guards);
  }

  private static List<Member> members(Library library, int count) throws Exception {
    List<Member> members = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        members.add(library.newMember());
      }
    } catch (Exception e) {
      members.forEach(Member::close);
      throw e;
    }
    return members;
  }
}
