package dev.quorate.disklease;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorate.lock.tck.ApiSurface;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ApiSurfaceTest {
  @Test
  void publicApiMentionsNoImplementationType() {
    assertThat(ApiSurface.leaks(Path.of("target/classes"), "dev.quorate.disklease")).isEmpty();
  }
}
