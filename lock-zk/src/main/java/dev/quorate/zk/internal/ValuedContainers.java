package dev.quorate.zk.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Containers recently seen holding a value block. A request on one of them reads the value block
 * right behind its queue listing; on any other it trusts the listing's Stat (no data: the value
 * block is empty, and the Stat carries its version), saving a read per request on the many locks
 * that never use value blocks. Bounded: a container forgotten costs one read that comes a round
 * trip later.
 */
final class ValuedContainers {
  private static final int MAX_ENTRIES = 4096;

  private final Map<String, Boolean> containers =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  synchronized boolean contains(String container) {
    return containers.get(container) != null;
  }

  synchronized void add(String container) {
    containers.put(container, Boolean.TRUE);
  }

  synchronized void remove(String container) {
    containers.remove(container);
  }
}
