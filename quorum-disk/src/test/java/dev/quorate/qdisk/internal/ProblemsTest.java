package dev.quorate.qdisk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ProblemsTest {

  @Test
  void aMessageIsKeptWithoutTheClassName() {
    assertThat(Problems.describe(new ConnectException("Connection refused")))
        .isEqualTo("Connection refused");
  }

  @Test
  void aWrapperIsDescribedByItsCause() {
    assertThat(
            Problems.describe(new UncheckedIOException(new ConnectException("Connection refused"))))
        .isEqualTo("Connection refused");
  }

  @Test
  void fileErrorsNameTheFileAndTheReason() {
    assertThat(Problems.describe(new NoSuchFileException("/etc/q.properties")))
        .isEqualTo("/etc/q.properties: no such file");
    assertThat(Problems.describe(new AccessDeniedException("/dev/sdb")))
        .isEqualTo("/dev/sdb: permission denied");
    assertThat(Problems.describe(new FileSystemException("/dev/sdb", null, "Invalid argument")))
        .isEqualTo("/dev/sdb: Invalid argument");
  }

  @Test
  void withoutAMessageTheKindIsSaidInWords() {
    assertThat(Problems.describe(new ClosedByInterruptException()))
        .isEqualTo("interrupted, the channel was closed");
    assertThat(Problems.describe(new IOException())).isEqualTo("IOException without a message");
  }
}
