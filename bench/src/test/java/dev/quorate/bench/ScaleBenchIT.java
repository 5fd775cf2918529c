package dev.quorate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every code path of {@code bin/bench scale} at a tiny size, on a real TestingCluster and a real
 * quorum disk file, so the bench cannot break silently. Checks what a run produces (tables, ratios,
 * JSON, PNG, progress), never how fast.
 */
@Timeout(180)
class ScaleBenchIT {
  @TempDir Path dir;

  @Test
  void everyWorkloadRunsAndIsReportedAsTableJsonAndPlot() throws Exception {
    Path json = dir.resolve("scale.json");
    Path plot = dir.resolve("scale.png");
    ScaleOptions options =
        ScaleOptions.parse(
            new String[] {
              "--failover", "3",
              "--first", "3,6",
              "--memory", "4",
              "--members", "3",
              "--qdisk", "3",
              "--interval-ms", "1000",
              "--json", json.toString(),
              "--plot", plot.toString()
            });
    ByteArrayOutputStream progressLines = new ByteArrayOutputStream();
    String report =
        ScaleBench.run(
            options, new Progress(new PrintStream(progressLines, true, StandardCharsets.UTF_8)));

    assertThat(report)
        .doesNotContain("### Failed")
        .contains("### " + Failover.TITLE)
        .contains("### " + FirstAcquisition.TITLE)
        .contains("### " + HeapPerLock.TITLE)
        .contains("### " + MembershipScale.TITLE)
        .contains("### " + QuorumDiskScale.TITLE)
        .contains("### How cost grows with N")
        .contains("- N = 3, expiry to all granted ms")
        .contains("- N = 6, acquisitions/s");
    // Both sizes of the first acquisitions make a growth exponent.
    assertThat(report)
        .containsPattern(
            "first acquisition of N new locks \\| Quorate \\| p50 ms \\|"
                + " N=3: [0-9.]+, N=6: [0-9.]+ \\| N\\^-?[0-9.]+");
    assertThat(progressLines.toString(StandardCharsets.UTF_8))
        .contains(Failover.TITLE + ", N = 3, Curator")
        .contains(Failover.TITLE + ", N = 3, Quorate")
        .contains(QuorumDiskScale.TITLE + ", K = 3");

    String written = Files.readString(json);
    // 2 failover, 4 first acquisitions, 3 heap (raw, Curator, Quorate), 1 membership, 1 disk.
    assertThat(Pattern.compile("\"workload\": ").matcher(written).results().count()).isEqualTo(11);
    assertThat(written).startsWith("{").endsWith("}\n").doesNotContain("NaN");

    BufferedImage image = ImageIO.read(plot.toFile());
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(1000);
  }
}
