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
}
