/**
 * Quorate's fault-injection suite ({@code bin/chaos}): ZooKeeper servers, lock clients, a fenced
 * resource and quorum-disk daemons as processes, a nemesis and offline history checkers. An
 * application, not a library: it exports nothing.
 */
module dev.quorate.reliability {
  requires dev.quorate.lock;
  requires dev.quorate.zk;
  requires dev.quorate.qdisk;
  requires dev.quorate.disklease;
  requires curator.framework;
  requires curator.client;
  requires zookeeper; // the servers it starts, and a second handle to end a session
  requires info.picocli;

  // picocli reads the commands and their options by reflection.
  opens dev.quorate.reliability to
      info.picocli;
}
