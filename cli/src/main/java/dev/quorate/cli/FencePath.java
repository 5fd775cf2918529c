package dev.quorate.cli;

import picocli.CommandLine.Option;

/** Where the fence coordinators keep claims and histories; every command that reads them. */
final class FencePath {
  @Option(
      names = "--fence-path",
      paramLabel = "PATH",
      description = "the fence coordinators' root (default: ${DEFAULT-VALUE})")
  String value = "/quorate/fence";
}
