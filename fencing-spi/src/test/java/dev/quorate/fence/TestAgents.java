package dev.quorate.fence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Installs the test agent scripts; resources lose their executable bit when Maven copies them. */
final class TestAgents {
  static final Path FENCE_DUMMY = Path.of("/usr/sbin/fence_dummy");

  private TestAgents() {}

  static Path install(Path dir, String name) throws IOException {
    Path target = dir.resolve(name);
    try (InputStream in = TestAgents.class.getResourceAsStream("/agents/" + name)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    return target;
  }
}
