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
 * names, guard and cycle.
 */
final class Scenarios {
  /** How long any acquire may wait before the cycle counts as an error. */
  static final Duration ACQUIRE_BOUND = Duration.ofSeconds(10);

  /** Makes a member (its own ZooKeeper session) of one library. */
  interface Library {
    String name();

    Member newMember() throws Exception;
  }

  private final Windows windows;

  Scenarios(Windows windows) {
    this.windows = windows;
  }

  /**
   * (1) One thread, cold cycles: the thread alternates between two members on one lock, so every
   * acquisition must take the grant from the other member and caching cannot help.
   */
  Result cold(Library library) throws Exception {
    List<Member> members = members(library, 2);
    try {
      return locked(1, (thread, i) -> members.get((int) (i % 2)), i -> "cold");
    } finally {
      closeAll(members);
    }
  }

  /** (2) One thread of one member reacquiring the same lock, nobody else interested. */
  Result cached(Library library) throws Exception {
    List<Member> members = members(library, 1);
    try {
      return locked(1, (thread, i) -> members.get(0), i -> "cached");
    } finally {
      closeAll(members);
    }
  }

  /** (3) Eight threads of one member on one lock. */
  Result threadsOneLock(Library library) throws Exception {
    List<Member> members = members(library, 1);
    try {
      return locked(8, (thread, i) -> members.get(0), i -> "hot8");
    } finally {
      closeAll(members);
    }
  }

  /** (4) Four members, one thread each, on one lock. */
  Result membersOneLock(Library library) throws Exception {
    List<Member> members = members(library, 4);
    try {
      return locked(4, (thread, i) -> members.get(thread), i -> "hot4");
    } finally {
      closeAll(members);
    }
  }

  /** (5) Eight threads of one member, each cycle on a random one of 100 locks. */
  Result threadsManyLocks(Library library) throws Exception {
    List<Member> members = members(library, 1);
    try {
      return locked(
          8,
          (thread, i) -> members.get(0),
          i -> "many-" + ThreadLocalRandom.current().nextInt(100));
    } finally {
      closeAll(members);
    }
  }

  private interface Pick {
    Member member(int thread, long iteration);
  }

  private interface Name {
    String of(long iteration);
  }

  private Result locked(int threads, Pick pick, Name name) throws Exception {
    LongAdder violations = new LongAdder();
    Map<String, Guard> guards = new ConcurrentHashMap<>();
    return windows.run(
        threads,
        (thread, iteration) -> {
          String lock = name.of(iteration);
          Guard guard = guards.computeIfAbsent(lock, n -> new Guard(violations));
          Member.Held held = pick.member(thread, iteration).acquire(lock);
          try {
            guard.access();
          } finally {
            held.release();
          }
        },
        violations);
  }

  private static List<Member> members(Library library, int count) throws Exception {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      members.add(library.newMember());
    }
    return members;
  }

  private static void closeAll(List<Member> members) {
    members.forEach(Member::close);
  }
}
