package dev.quorate.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the clusters publish, for the commands that read them; defaults are the libraries'. */
final class ReadOptions {
  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      description = "show only this cluster of the host inventory")
  String cluster;

  @Mixin InventoryPath inventoryPath;

  @Option(
      names = "--members-path",
      paramLabel = "PATH",
      description = "ZkMembership's root (default: ${DEFAULT-VALUE})")
  String membersPath = "/quorate/members";

  @Mixin FencePath fencePath;

  @Mixin LockPath lockPath;

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
