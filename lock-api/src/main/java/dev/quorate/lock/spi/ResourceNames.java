package dev.quorate.lock.spi;

/** The rule for resource names that every lock manager shares. */
public final class ResourceNames {
  /** The longest resource name, in characters. */
  public static final int MAX_LENGTH = 256;

  private ResourceNames() {}

  /**
   * Checks a resource name.
   *
   * @param resource the name
   * @return the name
   * @throws IllegalArgumentException if it is empty, longer than {@link #MAX_LENGTH}, or has a
   *     control character
   * @throws NullPointerException if it is null
   */
  public static String check(String resource) {
    if (resource.isEmpty() || resource.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "resource name must be 1 to "
              + MAX_LENGTH
              + " characters, got "
              + resource.length()
              + (resource.isEmpty() ? "" : ": '" + resource.substring(0, 40) + "...'"));
    }
    for (int i = 0; i < resource.length(); i++) {
      if (Character.isISOControl(resource.charAt(i))) {
        throw new IllegalArgumentException(
            "resource name must not contain control characters, got "
                + resource
                    .codePoints()
                    .mapToObj(
                        c ->
                            Character.isISOControl(c)
                                ? String.format("\\u%04x", c)
                                : Character.toString(c))
                    .reduce("'", String::concat)
                + "'");
      }
    }
    return resource;
  }
}
