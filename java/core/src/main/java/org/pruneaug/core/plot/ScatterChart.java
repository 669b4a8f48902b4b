package org.pruneaug.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.pruneaug.core.AtomicFiles;

/**
 * Scatter plots as PNG: several point series (e.g. searched candidates, baselines, the chosen
 * point), optional labels next to single points, and horizontal reference lines (e.g. an accuracy
 * floor). Written atomically.
 */
public final class ScatterChart {
    /** Points of one series; {@code labels} (nullable, or per point) are drawn beside the points. */
    public record Points(String name, double[] x, double[] y, String[] labels) {
        public Points {
            if (x.length != y.length || labels != null && labels.length != x.length) {
                throw new IllegalArgumentException("series " + name + ": x, y and labels differ in length");
            }
        }
    }

    private ScatterChart() {
    }

    /**
     * Where a label goes relative to its point: right of it; when a label already placed starts
     * near it (two networks at the same accuracy a few tenths of a millisecond apart wrote
     * "pruneaug" over "unstructured"), above it, then below it.
     */
    private static final TextAnchor[] LABEL_ANCHORS = {TextAnchor.CENTER_LEFT, TextAnchor.BOTTOM_LEFT,
        TextAnchor.TOP_LEFT};

    /** How many labels already placed start within a label's reach of (x, y): 12% of the x span, 3% of y. */
    static int crowding(List<double[]> placed, double x, double y, double xSpan, double ySpan) {
        int n = 0;
        for (double[] q : placed) {
            if (Math.abs(q[0] - x) < 0.12 * xSpan && Math.abs(q[1] - y) < 0.03 * ySpan) {
                n++;
            }
        }
        return n;
    }

    private static double span(List<Points> series, boolean xAxis) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Points p : series) {
            for (double v : xAxis ? p.x() : p.y()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return hi > lo ? hi - lo : 1.0;
    }

    public static void writePng(Path file, String title, String xLabel, String yLabel, List<Points> series,
            List<LineChart.Line> lines, int width, int height) {
        XYSeriesCollection data = new XYSeriesCollection();
        NumberAxis x = new NumberAxis(xLabel);
        NumberAxis y = new NumberAxis(yLabel);
        x.setAutoRangeIncludesZero(false);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        double xSpan = span(series, true);
        double ySpan = span(series, false);
        List<double[]> placed = new java.util.ArrayList<>();
        for (Points p : series) {
            XYSeries s = new XYSeries(p.name(), false, true);
            for (int i = 0; i < p.x().length; i++) {
                s.add(p.x()[i], p.y()[i]);
                if (p.labels() != null && p.labels()[i] != null) {
                    XYTextAnnotation a = new XYTextAnnotation("  " + p.labels()[i], p.x()[i], p.y()[i]);
                    a.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                    a.setTextAnchor(LABEL_ANCHORS[crowding(placed, p.x()[i], p.y()[i], xSpan, ySpan) % LABEL_ANCHORS.length]);
                    placed.add(new double[] {p.x()[i], p.y()[i]});
                    plot.addAnnotation(a);
                }
            }
            data.addSeries(s);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        for (int i = 0; i < lines.size(); i++) {
            LineChart.Line line = lines.get(i);
            // the first line gray, labelled below it; the others dark cyan, labelled above (two lines
            // a few pixels apart keep their labels apart)
            ValueMarker marker = new ValueMarker(line.y(), i == 0 ? Color.GRAY : new Color(0, 120, 140),
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            marker.setLabel(line.name());
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            marker.setLabelAnchor(i == 0 ? RectangleAnchor.BOTTOM_RIGHT : RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(i == 0 ? TextAnchor.TOP_RIGHT : TextAnchor.BOTTOM_RIGHT);
            plot.addRangeMarker(marker);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }
}
