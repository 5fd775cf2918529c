package dev.quorate.zk.internal;

import java.nio.charset.StandardCharsets;

/**
 * Maps resource names to container paths. Resource names may hold any character but controls, and
 * ZooKeeper forbids '/' inside a name, "." and "..", and some Unicode ranges; so everything but
 * ASCII letters, digits, '-' and '_' is written as %XX of its UTF-8 bytes.
 */
final class ResourcePaths {
  private final String root;

  ResourcePaths(String root) {
    this.root = root;
  }

  String root() {
    return root;
  }

  String container(String resource) {
    return root + "/" + encode(resource);
  }

  static String encode(String resource) {
    StringBuilder out = new StringBuilder(resource.length() + 8);
    for (byte b : resource.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /**
   * Reverses {@link #encode}.
   *
   * @param name a container's node name
   * @return the resource name, or empty if {@code name} is not an encoded resource name (a node of
   *     the lock space's own, such as {@code .revocations})
   */
  static java.util.Optional<String> decode(String name) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%' && hex(name, i + 1) >= 0) {
        bytes.write(hex(name, i + 1));
        i += 2;
      } else if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_') {
        bytes.write(c);
      } else {
        return java.util.Optional.empty();
      }
    }
    return java.util.Optional.of(bytes.toString(StandardCharsets.UTF_8));
  }

  /** The byte of the two hex digits at {@code at}, or -1. */
  private static int hex(String name, int at) {
    if (at + 1 >= name.length()) {
      return -1;
    }
    int high = Character.digit(name.charAt(at), 16);
    int low = Character.digit(name.charAt(at + 1), 16);
    return high < 0 || low < 0 ? -1 : (high << 4) | low;
  }
}
