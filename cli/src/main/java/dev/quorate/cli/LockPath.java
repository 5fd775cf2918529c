package dev.quorate.cli;

import picocli.CommandLine.Option;

/** Where the lock managers keep their queues; elections live under {@code <path>.elections}. */
final class LockPath {
  @Option(
      names = "--lock-path",
      paramLabel = "PATH",
      description =
          "the lock managers' root; elections under PATH.elections (default: ${DEFAULT-VALUE})")
  String value = "/quorate/locks";
}
