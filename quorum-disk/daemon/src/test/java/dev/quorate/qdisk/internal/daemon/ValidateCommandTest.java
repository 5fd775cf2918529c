package dev.quorate.qdisk.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@Timeout(30)
class ValidateCommandTest {
  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void capture() {
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void release() {
    root.detachAppender(logged);
  }

  @Test
  void aBadDiskIsReportedOnce() throws Exception {
    List<String> format = new ArrayList<>(List.of("format", "--cluster", "alpha", "--slots", "4"));
    format.addAll(List.of("--interval", "0.2s", "--io-timeout", "150ms", "--tko", "10"));
    format.addAll(List.of("--renewal-deadline", "1.2s", "--msgwait", "1600ms"));
    List<Path> disks = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      Path d = dir.resolve("qdisk-" + name + ".img");
      Files.write(d, new byte[(1 + 2 * 4) * 4096]);
      disks.add(d);
      format.addAll(List.of("-d", d.toString()));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int formatted =
        QdiskCommand.execute(
            new PrintWriter(out, true), new PrintWriter(err, true), format.toArray(String[]::new));
    assertThat(formatted).as(err.toString()).isZero();
    try (RandomAccessFile f = new RandomAccessFile(disks.get(1).toFile(), "rw")) {
      f.write(new byte[4096]);
    }
    Path config = dir.resolve("qdisk.properties");
    Files.write(
        config,
        List.of(
            "cluster.name=alpha",
            "node.id=1",
            "disks=" + String.join(",", disks.stream().map(Path::toString).toList())));
    out.getBuffer().setLength(0);
    logged.list.clear();

    int code =
        QdiskCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "validate",
            "-c",
            config.toString());

    assertThat(code).as(err.toString()).isZero();
    List<String> lines =
        Stream.concat(
                out.toString().lines(),
                logged.list.stream().map(ILoggingEvent::getFormattedMessage))
            .filter(l -> l.contains(disks.get(1).toString()))
            .toList();
    assertThat(lines)
        .singleElement()
        .asString()
        .startsWith("warning: " + disks.get(1) + ": header is all zeros");
  }
}
