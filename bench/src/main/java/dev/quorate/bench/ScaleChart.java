package dev.quorate.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The PNG of the scale workloads ({@code --plot FILE}): throughput and p99 against N, one line per
 * workload and library, on log-log axes so that a line's slope is how the cost grows (flat: the
 * same per lock at any N; slope 1: each lock costs N times more).
 */
final class ScaleChart {
  private ScaleChart() {}

  static void write(List<ScalePoint> points, String title, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection throughput = new XYSeriesCollection();
    XYSeriesCollection p99 = new XYSeriesCollection();
    Map<String, XYSeries[]> lines = new LinkedHashMap<>();
    for (ScalePoint point : points) {
      if (Double.isNaN(point.opsPerSecond()) || Double.isNaN(point.p99Millis())) {
        continue;
      }
      String key = point.workload() + ": " + point.library();
      XYSeries[] pair =
          lines.computeIfAbsent(
              key,
              k -> {
                XYSeries ops = new XYSeries(k);
                XYSeries latency = new XYSeries(k);
                throughput.addSeries(ops);
                p99.addSeries(latency);
                return new XYSeries[] {ops, latency};
              });
      pair[0].add(point.size(), Math.max(point.opsPerSecond(), 1e-3));
      pair[1].add(point.size(), Math.max(point.p99Millis(), 1e-3));
    }
    LogAxis n = new LogAxis("N (locks)");
    n.setSmallestValue(1);
    n.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(n);
    plot.add(subplot(throughput, "locks per second"), 1);
    plot.add(subplot(p99, "p99 per lock, ms"), 1);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 800);
  }

  private static XYPlot subplot(XYSeriesCollection data, String label) {
    LogAxis axis = new LogAxis(label);
    axis.setSmallestValue(1e-3);
    axis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
    return new XYPlot(data, null, axis, new XYLineAndShapeRenderer(true, true));
  }
}
