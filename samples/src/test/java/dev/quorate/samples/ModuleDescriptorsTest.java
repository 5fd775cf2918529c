package dev.quorate.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The compiled module descriptors keep two promises: only API packages are exported to everyone,
 * and every service a module lists in META-INF/services (what class-path users get) is also a
 * {@code provides} of its descriptor (what module-path users get).
 */
@Timeout(30)
class ModuleDescriptorsTest {
  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  private static final Map<String, String> MODULES =
      Map.of(
          "lock-api", "dev.quorate.lock",
          "lock-zk", "dev.quorate.zk",
          "fencing-spi", "dev.quorate.fence",
          "quorum-disk", "dev.quorate.qdisk",
          "quorum-disk/daemon", "dev.quorate.qdisk.daemon",
          "samples", "dev.quorate.samples");

  /** The test suites, to which no production module exports its internals. */
  private static final Set<String> SUITES = Set.of("dev.quorate.reliability", "dev.quorate.bench");

  @Test
  void onlyApiPackagesAreExportedToEveryone() throws IOException {
    for (Map.Entry<String, String> module : MODULES.entrySet()) {
      ModuleDescriptor descriptor = descriptor(module.getKey());

      assertThat(descriptor.name()).isEqualTo(module.getValue());
      assertThat(descriptor.exports())
          .filteredOn(e -> !e.isQualified())
          .extracting(ModuleDescriptor.Exports::source)
          .as("unqualified exports of %s", module.getKey())
          .noneMatch(p -> p.contains(".internal"));
    }
    assertThat(descriptor("lock-api").exports())
        .filteredOn(e -> !e.isQualified())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactlyInAnyOrder(
            "dev.quorate.lock",
            "dev.quorate.quorum",
            "dev.quorate.lock.spi",
            "dev.quorate.lock.metrics");
    assertThat(descriptor("samples").exports()).isEmpty();
    assertThat(descriptor("quorum-disk/daemon").exports()).isEmpty();
  }

  @Test
  void internalsAreExportedOnlyToTheModulesThatShareThem() throws IOException {
    for (String module : MODULES.keySet()) {
      var qualified =
          assertThat(descriptor(module).exports())
              .filteredOn(ModuleDescriptor.Exports::isQualified)
              .as("qualified exports of %s", module)
              .extracting(e -> e.source() + " to " + new java.util.TreeSet<>(e.targets()));
      if (module.equals("quorum-disk")) {
        // The daemon is the library's own operator tool: format, dump and message read the layout.
        qualified.containsExactly("dev.quorate.qdisk.internal to [dev.quorate.qdisk.daemon]");
      } else if (module.equals("lock-api")) {
        // The one JSON codec, for the modules that write JSON; no API package offers it.
        qualified.containsExactly(
            "dev.quorate.lock.internal.json to [dev.quorate.cli, dev.quorate.fence, dev.quorate.qdisk.daemon,"
                + " dev.quorate.vm]");
      } else {
        qualified.isEmpty();
      }
    }
  }

  @Test
  void internalsAreExportedToNoTestSuite() throws IOException {
    for (String module : MODULES.keySet()) {
      assertThat(descriptor(module).exports())
          .filteredOn(ModuleDescriptor.Exports::isQualified)
          .flatExtracting(ModuleDescriptor.Exports::targets)
          .as("qualified exports of %s", module)
          .doesNotContainAnyElementsOf(SUITES);
    }
  }

  @Test
  void theQuorumDiskLibraryRequiresNoCommandLineOrHttpServer() throws IOException {
    assertThat(descriptor("quorum-disk").requires())
        .extracting(ModuleDescriptor.Requires::name)
        .doesNotContain("info.picocli", "jdk.httpserver", "ch.qos.logback.classic");
    assertThat(descriptor("quorum-disk/daemon").requires())
        .extracting(ModuleDescriptor.Requires::name)
        .contains("dev.quorate.qdisk", "info.picocli", "jdk.httpserver");
  }

  @Test
  void everyServiceFileIsAlsoProvidedByTheDescriptor() throws IOException {
    for (String module : MODULES.keySet()) {
      Path services = REPOSITORY.resolve(module).resolve("src/main/resources/META-INF/services");
      Map<String, Set<String>> listed = Map.of();
      if (Files.isDirectory(services)) {
        try (var files = Files.list(services)) {
          listed =
              files.collect(
                  Collectors.toMap(
                      f -> f.getFileName().toString(), ModuleDescriptorsTest::implementations));
        }
      }
      Map<String, Set<String>> provided =
          descriptor(module).provides().stream()
              .collect(
                  Collectors.toMap(
                      ModuleDescriptor.Provides::service, p -> Set.copyOf(p.providers())));

      assertThat(provided).as("provides of %s", module).isEqualTo(listed);
    }
    assertThat(descriptor("lock-api").uses()).contains("dev.quorate.lock.LockManagerProvider");
    assertThat(descriptor("fencing-spi").uses()).contains("dev.quorate.fence.FenceAgent");
  }

  private static ModuleDescriptor descriptor(String module) throws IOException {
    Path file = REPOSITORY.resolve(module).resolve("target/classes/module-info.class");
    try (InputStream in = Files.newInputStream(file)) {
      return ModuleDescriptor.read(in);
    }
  }

  private static Set<String> implementations(Path serviceFile) {
    try {
      List<String> lines = Files.readAllLines(serviceFile);
      return lines.stream()
          .map(l -> l.replaceAll("#.*", "").strip())
          .filter(l -> !l.isEmpty())
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
