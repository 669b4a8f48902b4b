package org.pruneaug.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.pruneaug.core.AtomicFiles;

/**
 * Line charts as PNG: one or more panels stacked over a shared x axis (e.g. one panel per layer
 * shape, latency vs density), each with several series and optional horizontal reference lines
 * (e.g. the dense baseline). Written atomically.
 */
public final class LineChart {
    /** A named polyline; x and y have the same length. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y");
            }
        }
    }

    /** A horizontal reference line at height y. */
    public record Line(String name, double y) {
    }

    /** One stacked plot: its own y axis, title, series and reference lines. */
    public record Panel(String title, List<Series> series, List<Line> lines) {
    }

    private static final int PANEL_HEIGHT = 360;

    private LineChart() {
    }

    /**
     * Writes panels stacked vertically, {@code width} pixels wide; logY for data spanning decades;
     * xRange {lo, hi} fixes the shared x axis (null: fit the data).
     */
    public static void writePng(Path file, String title, String xLabel, String yLabel, List<Panel> panels,
            boolean logY, double[] xRange, int width) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot");
        }
        NumberAxis x = new NumberAxis(xLabel);
        if (xRange != null) {
            x.setRange(xRange[0], xRange[1]);
        }
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(x);
        combined.setGap(12);
        for (Panel panel : panels) {
            combined.add(plot(panel, yLabel, logY), 1);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
        chart.setBackgroundPaint(Color.WHITE);
        int height = 120 + PANEL_HEIGHT * panels.size();
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }

    private static XYPlot plot(Panel panel, String yLabel, boolean logY) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : panel.series()) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                if (!logY || s.y()[i] > 0) {
                    xy.add(s.x()[i], s.y()[i]);
                }
            }
            data.addSeries(xy);
        }
        ValueAxis y;
        if (logY) {
            LogAxis log = new LogAxis(yLabel);
            log.setSmallestValue(1e-6);
            y = log;
        } else {
            y = new NumberAxis(yLabel);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        XYPlot plot = new XYPlot(data, null, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        for (Line line : panel.lines()) {
            ValueMarker marker = new ValueMarker(line.y(), Color.BLACK,
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            marker.setLabel(line.name());
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(marker);
        }
        // the panel title sits in the plot's corner: CombinedDomainXYPlot has no per-panel titles
        org.jfree.chart.annotations.XYTitleAnnotation label = new org.jfree.chart.annotations.XYTitleAnnotation(0.01,
                0.99, new org.jfree.chart.title.TextTitle(panel.title(), new Font(Font.SANS_SERIF, Font.BOLD, 12)),
                RectangleAnchor.TOP_LEFT);
        plot.addAnnotation(label);
        return plot;
    }
}
