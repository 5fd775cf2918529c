package dev.quorate.bench;

import dev.quorate.zk.ZkLockManager;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;

/** The libraries compared, each making members on its own client to the same follower. */
final class Libraries {
  private Libraries() {}

  static Scenarios.Library curator(BenchCluster cluster) {
    return new Scenarios.Library() {
      @Override
      public String name() {
        return "Curator";
      }

      @Override
      public Member newMember() throws Exception {
        CuratorFramework client = cluster.newClient();
        client.start();
        client.blockUntilConnected();
        return new CuratorMember(client);
      }
    };
  }

  /** The floor: a create and a delete per cycle, no lock at all. */
  static Scenarios.Library floor(BenchCluster cluster) {
    return new Scenarios.Library() {
      @Override
      public String name() {
        return "raw create+delete floor";
      }

      @Override
      public Member newMember() throws Exception {
        CuratorFramework client = cluster.newClient();
        client.start();
        client.blockUntilConnected();
        return new RawMember(client);
      }
    };
  }

  /** Quorate in each configuration worth showing. */
  static List<Scenarios.Library> quorate(BenchCluster cluster) {
    return List.of(
        quorate(cluster, "Quorate default", false), quorate(cluster, "Quorate cohorting", true));
  }

  private static Scenarios.Library quorate(BenchCluster cluster, String name, boolean cohorting) {
    return new Scenarios.Library() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Member newMember() throws Exception {
        CuratorFramework client = cluster.newClient();
        ZkLockManager manager =
            ZkLockManager.builder().curator(client).cohorting(cohorting).build();
        return new QuorateMember(client, manager);
      }
    };
  }
}
