package dev.quorate.cli;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Resolved connection settings.
 *
 * @param connect the connect string
 * @param timeout how long to wait for a connection
 * @param digest {@code user:password} for the digest scheme, or null
 * @param jaas a JAAS file for SASL, or null
 */
record EnsembleSettings(String connect, Duration timeout, String digest, Path jaas) {
  @Override
  public String toString() {
    // Never shows the password.
    return "EnsembleSettings["
        + connect
        + ", timeout "
        + timeout
        + (digest == null ? "" : ", digest ****")
        + "]";
  }
}
