package org.pruneaug.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.List;
import java.awt.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.JFreeChart;
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
     * xRange {lo, hi} fixes the shared x axis (null: fit the data). A series name keeps its colour
     * and marker in every panel, and the legend lists each name once.
     */
    public static void writePng(Path file, String title, String xLabel, String yLabel, List<Panel> panels,
            boolean logY, double[] xRange, int width) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot");
        }
        Map<String, Integer> styles = new LinkedHashMap<>();
        for (Panel panel : panels) {
            for (Series s : panel.series()) {
                styles.putIfAbsent(s.name(), styles.size());
            }
        }
        NumberAxis x = new NumberAxis(xLabel);
        if (xRange != null) {
            x.setRange(xRange[0], xRange[1]);
        }
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(x);
        combined.setGap(12);
        for (Panel panel : panels) {
            combined.add(plot(panel, yLabel, logY, styles), 1);
        }
        LegendItemCollection legend = new LegendItemCollection();
        styles.forEach((name, i) -> {
            LegendItem item = new LegendItem(name, null, null, null, SHAPES[i % SHAPES.length], paint(i),
                    new BasicStroke(2f), paint(i));
            legend.add(item);
        });
        combined.setFixedLegendItems(legend);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
        chart.setBackgroundPaint(Color.WHITE);
        int height = 120 + PANEL_HEIGHT * panels.size();
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }

    private static final Shape[] SHAPES = DefaultDrawingSupplier.createStandardSeriesShapes();

    /** Distinct hues for the first series, then golden-ratio steps around the colour wheel. */
    private static Color paint(int i) {
        Color[] base = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22),
            new Color(0x7f7f7f)};
        if (i < base.length) {
            return base[i];
        }
        return Color.getHSBColor((float) ((i * 0.618033988749895) % 1.0), 0.75f, 0.8f);
    }

    private static XYPlot plot(Panel panel, String yLabel, boolean logY, Map<String, Integer> styles) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (Series s : panel.series()) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                if (!logY || s.y()[i] > 0) {
                    xy.add(s.x()[i], s.y()[i]);
                }
            }
            int index = data.getSeriesCount();
            data.addSeries(xy);
            int style = styles.get(s.name());
            renderer.setSeriesPaint(index, paint(style));
            renderer.setSeriesShape(index, SHAPES[style % SHAPES.length]);
            renderer.setSeriesStroke(index, new BasicStroke(2f));
        }
        ValueAxis y;
        if (logY) {
            // plain tick labels (0.05, 0.1, 0.2 ...) rather than powers of ten
            LogarithmicAxis log = new LogarithmicAxis(yLabel);
            log.setStrictValuesFlag(false);
            log.setAutoRangeNextLogFlag(false);
            y = log;
        } else {
            y = new NumberAxis(yLabel);
        }
        XYPlot plot = new XYPlot(data, null, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        for (Line line : panel.lines()) {
            ValueMarker marker = new ValueMarker(line.y(), Color.BLACK,
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            marker.setLabel(line.name());
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            // right-hand side, under the line: the panel title sits top left
            marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            plot.addRangeMarker(marker);
        }
        // the panel title sits in the plot's corner: CombinedDomainXYPlot has no per-panel titles
        plot.addAnnotation(new XYTitleAnnotation(0.01, 0.99,
                new TextTitle(panel.title(), new Font(Font.SANS_SERIF, Font.BOLD, 12)), RectangleAnchor.TOP_LEFT));
        return plot;
    }
}
