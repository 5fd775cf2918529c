/**
 * Quorate's benchmark against Apache Curator's InterProcessMutex ({@code bin/bench}). An
 * application, not a library: it exports nothing.
 */
module dev.quorate.bench {
  requires dev.quorate.lock;
  requires dev.quorate.zk;
  requires dev.quorate.disklease;
  requires curator.framework;
  requires curator.client;
  requires curator.recipes;
  requires curator.test; // the TestingCluster both libraries run on
  requires zookeeper;
  requires dev.quorate.qdisk; // the quorum disk at scale
  requires java.management; // heap, threads and CPU time of the scale workloads
  requires jdk.management; // heap allocated per thread (the quorum disk's nodes)
  requires java.desktop; // the PNG plot
  requires org.jfree.jfreechart;
}
