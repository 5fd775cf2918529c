/**
 * The {@code quorate} command ({@code bin/quorate}): one screen of a cluster's state read from
 * ZooKeeper (members, hosts, quorum, arbiter, quorum-disk master, fences), fence history and an
 * operator's confirmation, and the same view as a live page on 127.0.0.1. An application, not a
 * library: it exports nothing, and its parser, HTTP server and logging binding stay out of the
 * libraries.
 */
module dev.quorate.cli {
  requires dev.quorate.zk;
  requires dev.quorate.fence;
  requires dev.quorate.qdisk;
  requires curator.framework;
  requires curator.client;
  requires zookeeper;
  requires org.slf4j;
  requires info.picocli; // the command line
  requires jdk.httpserver; // quorate serve

  // picocli reads the commands by reflection.
  opens dev.quorate.cli to
      info.picocli;
}
