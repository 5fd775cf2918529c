/**
 * The standalone quorum-disk daemon ({@code java -jar
 * quorate-quorum-disk-daemon-<version>-all.jar}) and its operator tools: the command line, the
 * status and metrics endpoint, and the daemon's logging configuration, none of which the
 * quorum-disk library imposes on applications that embed it. An application, not a library: it
 * exports nothing.
 */
module dev.quorate.qdisk.daemon {
  requires dev.quorate.qdisk;
  requires org.slf4j;
  requires info.picocli; // the command line
  requires jdk.httpserver; // the status endpoint
  requires micrometer.core; // the meters behind /metrics
  requires micrometer.registry.prometheus; // their Prometheus text
  requires jdk.management; // CPU time in `measure`

  // picocli reads the commands by reflection.
  opens dev.quorate.qdisk.internal.daemon to
      info.picocli;
}
