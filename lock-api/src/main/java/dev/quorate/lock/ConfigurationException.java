package dev.quorate.lock;

/**
 * Thrown when a configuration value is invalid or a combination of values is unsafe. The message
 * names the key, the value given, and what would be accepted.
 */
public final class ConfigurationException extends QuorateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the key, the bad value, and what is accepted
   */
  public ConfigurationException(String message) {
    super(ErrorCode.INVALID_CONFIGURATION, message);
  }
}
