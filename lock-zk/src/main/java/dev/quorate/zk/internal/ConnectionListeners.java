package dev.quorate.zk.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;

/** A client's connection listeners, registered and removed as plain consumers of the state. */
final class ConnectionListeners {
  private final CuratorFramework client;
  private final Map<Consumer<ConnectionState>, ConnectionStateListener> adapters =
      new ConcurrentHashMap<>();

  ConnectionListeners(CuratorFramework client) {
    this.client = client;
  }

  void add(Consumer<ConnectionState> listener) {
    ConnectionStateListener adapter = (c, state) -> listener.accept(state);
    adapters.put(listener, adapter);
    client.getConnectionStateListenable().addListener(adapter);
  }

  void remove(Consumer<ConnectionState> listener) {
    ConnectionStateListener adapter = adapters.remove(listener);
    if (adapter != null) {
      client.getConnectionStateListenable().removeListener(adapter);
    }
  }
}
