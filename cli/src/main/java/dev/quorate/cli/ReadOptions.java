package dev.quorate.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the clusters publish, for the commands that read them; defaults are the libraries'. */
final class ReadOptions {
  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      description = "show only this cluster of the host inventory")
  String cluster;

  @Option(
      names = "--inventory-path",
      paramLabel = "PATH",
      description = "the host inventory's root (default: ${DEFAULT-VALUE})")
  String inventoryPath = "/quorate/inventory";

  @Option(
      names = "--members-path",
      paramLabel = "PATH",
      description = "ZkMembership's root (default: ${DEFAULT-VALUE})")
  String membersPath = "/quorate/members";

  @Option(
      names = "--fence-path",
      paramLabel = "PATH",
      description = "the fence coordinators' root (default: ${DEFAULT-VALUE})")
  String fencePath = "/quorate/fence";

  @Option(
      names = "--arbiter-path",
      paramLabel = "PATH",
      description = "the arbiter's root on the witness (default: ${DEFAULT-VALUE})")
  String arbiterPath = "/quorate/arbiter";

  @Option(
      names = "--witness",
      paramLabel = "HOST:PORT[,...]",
      description = "the arbiter's witness ensemble, if not the one of --connect")
  String witness;

  @Option(
      names = "--qdisk",
      paramLabel = "FILE",
      description = "a quorum disk (device or image) to read the master and heartbeat slots from")
  Path quorumDisk;

  @Option(
      names = "--fences",
      paramLabel = "N",
      description = "how many recent fence records to show (default: ${DEFAULT-VALUE})")
  int fences = 10;
}
