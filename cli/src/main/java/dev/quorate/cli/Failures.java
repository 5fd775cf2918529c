package dev.quorate.cli;

import dev.quorate.lock.QuorateException;
import org.apache.zookeeper.KeeperException;

/** Turns what a read of the ensemble threw into the message and exit status people act on. */
final class Failures {
  private Failures() {}

  /**
   * Translates a failure.
   *
   * @param e what was thrown
   * @param connect the connect string, to name it
   * @return the failure to report
   */
  static CommandFailure translate(Throwable e, String connect) {
    if (e instanceof CommandFailure failure) {
      return failure;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KeeperException.NoAuthException noAuth) {
        return new CommandFailure(
            ExitCode.NO_PERMISSION,
            "ZooKeeper at "
                + connect
                + " refused access to "
                + noAuth.getPath()
                + " (NoAuth: its ACL does not grant this client). Give the credentials of an"
                + " identity it grants: digest as user:password in $"
                + EnsembleOptions.DIGEST_ENV
                + ", --digest-file FILE, or "
                + EnsembleOptions.USER_KEY
                + "/.password in --config; SASL with --jaas FILE",
            e);
      }
      if (t instanceof KeeperException.AuthFailedException) {
        return new CommandFailure(
            ExitCode.NO_PERMISSION,
            "ZooKeeper at "
                + connect
                + " rejected this client's authentication (AuthFailed): check the SASL login of"
                + " --jaas, or the digest credentials",
            e);
      }
    }
    if (e instanceof QuorateException q) {
      return switch (q.code()) {
        case CONNECTION_LOSS ->
            new CommandFailure(
                ExitCode.UNREACHABLE,
                "lost the ZooKeeper ensemble at " + connect + ": " + q.getMessage(),
                e);
        case CORRUPT_DATA -> new CommandFailure(ExitCode.BAD_DATA, q.getMessage(), e);
        case REFUSED -> new CommandFailure(ExitCode.NO_PERMISSION, q.getMessage(), e);
        default -> new CommandFailure(ExitCode.INTERNAL, q.getMessage(), e);
      };
    }
    if (e instanceof KeeperException.ConnectionLossException
        || e instanceof KeeperException.SessionExpiredException
        || e instanceof KeeperException.OperationTimeoutException) {
      return new CommandFailure(
          ExitCode.UNREACHABLE, "lost the ZooKeeper ensemble at " + connect + ": " + e, e);
    }
    return new CommandFailure(ExitCode.INTERNAL, "quorate failed: " + e, e);
  }
}
