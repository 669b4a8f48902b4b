package org.pruneaug.platforms;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.Json;
import org.pruneaug.core.plot.LineChart;

/**
 * The outcome of profiling several platforms over the same shapes: JSON rows, a terminal table and
 * a latency-vs-density plot, each with speedups over the dense baseline measured in the same run.
 */
public final class ProfileReport {
    /**
     * One measured cell as written to --out. {@code speedupVsDense} is the dense baseline's median over
     * this one (null when no baseline ran), {@code spread} the interquartile range over the median.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Row(String platform, int m, int k, int n, String block, double density, int threads,
            double medianMs, double p25Ms, double p75Ms, double spread, double achievedDensity, String kernel,
            String densePlatform, Double speedupVsDense) {
    }

    private final List<Row> rows;

    ProfileReport(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Rows of every result; speedups against {@code baseline}'s result (a dense platform) when given. */
    public static ProfileReport of(List<Profiler.Result> results, Profiler.Result baseline) {
        Map<GemmShape, Double> dense = new LinkedHashMap<>();
        if (baseline != null) {
            for (LatencyTable.Cell c : baseline.cells()) {
                dense.put(c.shape(), c.medianMs());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Profiler.Result r : results) {
            for (LatencyTable.Cell c : r.cells()) {
                Double d = dense.get(c.shape());
                rows.add(new Row(r.platform().id(), c.m(), c.k(), c.n(), c.block(), c.density(), r.table().threads(),
                        c.medianMs(), c.p25Ms(), c.p75Ms(), c.relativeSpread(), c.achievedDensity(), c.kernel(),
                        baseline == null ? null : baseline.platform().id(), d == null ? null : d / c.medianMs()));
            }
        }
        return new ProfileReport(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    /**
     * How two runs of the same cells agree: the repeat-run stability figure. {@code shift} is the
     * median ratio now / before over all cells: a VM whose host is busier in one run shifts every
     * cell alike (here 0.95-1.13 between consecutive runs), which no profiler can remove;
     * {@code withinAfterShift} counts the cells within tolerance once that common factor is divided
     * out, i.e. the disagreement that is the profiler's own.
     */
    public record Stability(int matched, int within, double tolerance, double medianRelativeDifference, double shift,
            int withinAfterShift) {
        public double fraction() {
            return matched == 0 ? 0 : within / (double) matched;
        }

        public double fractionAfterShift() {
            return matched == 0 ? 0 : withinAfterShift / (double) matched;
        }

        public String describe() {
            return String.format(Locale.ROOT, "%d of %d cells (%.1f%%) within %.0f%% of the previous run's median;"
                    + " median difference %.1f%%; the whole run was %.3fx the previous one (median ratio), and with"
                    + " that common factor divided out %d cells (%.1f%%) are within %.0f%%", within, matched,
                    100 * fraction(), 100 * tolerance, 100 * medianRelativeDifference, shift, withinAfterShift,
                    100 * fractionAfterShift(), 100 * tolerance);
        }
    }

    /** Rows of an earlier --out file. */
    public static List<Row> readRows(Path file) {
        return List.of(Json.read(file, Row[].class, "profile rows"));
    }

    /**
     * Compares this run's medians with an earlier run's rows of the same cells (platform, shape, block,
     * density, threads): |a - b| / min(a, b) <= tolerance counts as within.
     */
    public Stability compareTo(List<Row> previous, double tolerance) {
        Map<String, Row> before = new LinkedHashMap<>();
        previous.forEach(r -> before.put(cellKey(r), r));
        List<double[]> pairs = new ArrayList<>();
        for (Row r : rows) {
            Row b = before.get(cellKey(r));
            if (b != null) {
                pairs.add(new double[] {r.medianMs(), b.medianMs()});
            }
        }
        List<Double> ratios = new ArrayList<>(pairs.stream().map(p -> p[0] / p[1]).toList());
        ratios.sort(null);
        double shift = ratios.isEmpty() ? 1 : ratios.get(ratios.size() / 2);
        List<Double> diffs = new ArrayList<>();
        int within = 0;
        int withinShifted = 0;
        for (double[] p : pairs) {
            double d = relativeDifference(p[0], p[1]);
            diffs.add(d);
            within += d <= tolerance ? 1 : 0;
            withinShifted += relativeDifference(p[0] / shift, p[1]) <= tolerance ? 1 : 0;
        }
        diffs.sort(null);
        double median = diffs.isEmpty() ? 0 : diffs.get(diffs.size() / 2);
        return new Stability(diffs.size(), within, tolerance, median, shift, withinShifted);
    }

    private static double relativeDifference(double a, double b) {
        return Math.abs(a - b) / Math.min(a, b);
    }

    private static String cellKey(Row r) {
        return String.format(Locale.ROOT, "%s|%d|%d|%d|%s|%.6f|%d", r.platform(), r.m(), r.k(), r.n(), r.block(),
                r.density(), r.threads());
    }

    public void writeJson(Path file) {
        Json.write(file, rows);
    }

    /**
     * Per shape and platform: one line per block, one column per density, "median ms (speedup x)";
     * dense baselines on one line.
     */
    public String summary() {
        StringBuilder out = new StringBuilder();
        for (GemmShape shape : shapes()) {
            out.append(String.format(Locale.ROOT, "%nGEMM %s (m x k x n), median ms per call (speedup over dense)%n",
                    shape));
            for (String platform : platforms()) {
                List<Row> mine = rows.stream().filter(r -> r.platform().equals(platform) && shapeOf(r).equals(shape))
                        .toList();
                if (mine.isEmpty()) {
                    continue;
                }
                if (mine.get(0).block().equals(PlatformDescriptor.DENSE)) {
                    out.append(String.format(Locale.ROOT, "  %-16s dense %10.4f ms  (%s, %d threads)%n", platform,
                            mine.get(0).medianMs(), mine.get(0).kernel(), mine.get(0).threads()));
                    continue;
                }
                Set<Double> densities = new TreeSet<>();
                mine.forEach(r -> densities.add(r.density()));
                out.append(String.format(Locale.ROOT, "  %-16s %-6s", platform + " (" + mine.get(0).threads() + "t)",
                        "block"));
                densities.forEach(d -> out.append(String.format(Locale.ROOT, " %20s", "d=" + fmt(d))));
                out.append('\n');
                Set<String> blocks = new LinkedHashSet<>();
                mine.forEach(r -> blocks.add(r.block()));
                for (String b : blocks) {
                    out.append(String.format(Locale.ROOT, "  %-16s %-6s", "", b));
                    for (double d : densities) {
                        Row r = mine.stream().filter(x -> x.block().equals(b) && x.density() == d).findFirst()
                                .orElse(null);
                        out.append(String.format(Locale.ROOT, " %20s", r == null ? "-" : cell(r)));
                    }
                    out.append('\n');
                }
            }
        }
        return out.toString();
    }

    /** Latency vs density, one panel per shape, one series per (platform, block), dense baselines as lines. */
    public void writePlot(Path file) {
        List<LineChart.Panel> panels = new ArrayList<>();
        Set<String> sparsePlatforms = new LinkedHashSet<>();
        rows.stream().filter(r -> !r.block().equals(PlatformDescriptor.DENSE)).forEach(r -> sparsePlatforms.add(r.platform()));
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (GemmShape shape : shapes()) {
            List<LineChart.Series> series = new ArrayList<>();
            List<LineChart.Line> lines = new ArrayList<>();
            for (String platform : platforms()) {
                Map<String, List<Row>> byBlock = new LinkedHashMap<>();
                rows.stream().filter(r -> r.platform().equals(platform) && shapeOf(r).equals(shape))
                        .forEach(r -> byBlock.computeIfAbsent(r.block(), b -> new ArrayList<>()).add(r));
                for (Map.Entry<String, List<Row>> e : byBlock.entrySet()) {
                    List<Row> rs = e.getValue();
                    for (Row r : rs) {
                        lo = Math.min(lo, r.medianMs());
                        hi = Math.max(hi, r.medianMs());
                    }
                    if (e.getKey().equals(PlatformDescriptor.DENSE)) {
                        lines.add(new LineChart.Line(String.format(Locale.ROOT, "%s dense %.3g ms", platform,
                                rs.get(0).medianMs()), rs.get(0).medianMs()));
                        continue;
                    }
                    String name = sparsePlatforms.size() > 1 ? platform + " " + e.getKey() : e.getKey();
                    series.add(new LineChart.Series(name, rs.stream().mapToDouble(Row::density).toArray(),
                            rs.stream().mapToDouble(Row::medianMs).toArray()));
                }
            }
            int threads = rows.get(0).threads();
            panels.add(new LineChart.Panel("GEMM " + shape + ", " + threads + " threads", series, lines));
        }
        // latencies of different blocks span decades at low density: a log axis keeps all readable
        boolean logY = hi / Math.max(lo, 1e-9) > 30;
        LineChart.writePng(file, "Latency vs density per block shape (" + String.join(", ", platforms()) + ")",
                "density (fraction of blocks kept)", "median latency (ms)", panels, logY, new double[] {0, 1.02}, 1000);
    }

    private List<GemmShape> shapes() {
        Set<GemmShape> out = new LinkedHashSet<>();
        rows.forEach(r -> out.add(shapeOf(r)));
        return List.copyOf(out);
    }

    private List<String> platforms() {
        Set<String> out = new LinkedHashSet<>();
        rows.forEach(r -> out.add(r.platform()));
        return List.copyOf(out);
    }

    private static GemmShape shapeOf(Row r) {
        return new GemmShape(r.m(), r.k(), r.n());
    }

    private static String cell(Row r) {
        String ms = String.format(Locale.ROOT, "%.4g", r.medianMs());
        return r.speedupVsDense() == null ? ms : String.format(Locale.ROOT, "%s (%.2fx)", ms, r.speedupVsDense());
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
