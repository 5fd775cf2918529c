package dev.quorate.cli;

import picocli.CommandLine.Option;

/** Where the host inventory lives; every command that reads it. */
final class InventoryPath {
  @Option(
      names = "--inventory-path",
      paramLabel = "PATH",
      description = "the host inventory's root (default: ${DEFAULT-VALUE})")
  String value = "/quorate/inventory";
}
