package dev.quorate.fence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret option value, such as a fence device's password. Its {@link #toString()} never shows the
 * value, so a secret that ends up in a log line, an exception message or a debugger shows {@code
 * Secret[***]}. Only {@link #reveal()} gives the value, and Quorate calls it only to write the
 * agent's stdin.
 *
 * <pre>{@code
 * Secret password = Secret.of(System.getenv("IPMI_PASSWORD"));
 * log.info("using {}", password); // using Secret[***]
 * }</pre>
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * Wraps a secret value.
   *
   * @param value the secret; must not be empty
   * @return the secret
   * @throws IllegalArgumentException if {@code value} is empty
   * @throws NullPointerException if {@code value} is null
   */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "secret value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("a secret must not be empty");
    }
    return new Secret(value);
  }

  /**
   * Returns the secret value. Never log what this returns.
   *
   * @return the value
   */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    // Constant-time comparison, so equals cannot leak the value through timing.
    return other instanceof Secret s
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    // Equal secrets must hash alike, but the hash must not narrow the value down: use a constant.
    return 0x5ec7e7;
  }

  @Override
  public String toString() {
    return "Secret[***]";
  }
}
