package org.pruneaug.platforms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;

/** {@link LatencyModel} over a {@link LatencyTable}: one {@link MonotoneCurve} per (shape, block). */
final class TableLatencyModel implements LatencyModel {
    /** Densities closer than this to a measured range's end count as inside it. */
    private static final double EPS = 1e-9;

    private final String platform;
    private final Map<GemmShape, Map<String, MonotoneCurve>> curves = new HashMap<>();

    TableLatencyModel(LatencyTable table) {
        this.platform = table.platform();
        Map<GemmShape, Map<String, TreeMap<Double, Double>>> points = new HashMap<>();
        for (LatencyTable.Cell c : table.cells()) {
            points.computeIfAbsent(c.shape(), s -> new TreeMap<>()).computeIfAbsent(c.block(), b -> new TreeMap<>())
                    .put(c.density(), c.medianMs());
        }
        points.forEach((shape, byBlock) -> {
            Map<String, MonotoneCurve> m = new TreeMap<>();
            byBlock.forEach((block, byDensity) -> m.put(block, new MonotoneCurve(
                    byDensity.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                    byDensity.values().stream().mapToDouble(Double::doubleValue).toArray())));
            curves.put(shape, m);
        });
    }

    @Override
    public String platform() {
        return platform;
    }

    @Override
    public double latencyMs(GemmShape shape, BlockShape block, double density) {
        MonotoneCurve curve = curve(shape, block);
        if (curve == dense(shape)) {
            return curve.at(1.0);
        }
        if (density < curve.min() - EPS || density > curve.max() + EPS) {
            throw new OutsideMeasuredException(String.format(Locale.ROOT,
                    "%s: density %s of %s blocks in %s is outside the measured range [%s, %s]", platform, density,
                    block, shape, curve.min(), curve.max()));
        }
        return curve.at(density);
    }

    @Override
    public boolean covers(GemmShape shape, BlockShape block, double density) {
        try {
            latencyMs(shape, block, density);
            return true;
        } catch (OutsideMeasuredException e) {
            return false;
        }
    }

    @Override
    public Set<GemmShape> shapes() {
        return new LinkedHashSet<>(curves.keySet());
    }

    @Override
    public List<BlockShape> blocks(GemmShape shape) {
        List<BlockShape> out = new ArrayList<>();
        for (String b : curves.getOrDefault(shape, Map.of()).keySet()) {
            if (!b.equals(PlatformDescriptor.DENSE)) {
                out.add(BlockShape.parse(b));
            }
        }
        out.sort(null);
        return out;
    }

    /** The dense baseline's curve of a shape (answers for every block), or null. */
    private MonotoneCurve dense(GemmShape shape) {
        return curves.getOrDefault(shape, Map.of()).get(PlatformDescriptor.DENSE);
    }

    private MonotoneCurve curve(GemmShape shape, BlockShape block) {
        Map<String, MonotoneCurve> byBlock = curves.get(shape);
        if (byBlock == null) {
            throw new OutsideMeasuredException(platform + ": shape " + shape + " was not profiled (profiled: "
                    + (curves.isEmpty() ? "none" : String.join(", ", curves.keySet().stream().map(GemmShape::toString).sorted()
                            .toList())) + ")");
        }
        MonotoneCurve dense = byBlock.get(PlatformDescriptor.DENSE);
        if (dense != null) {
            return dense;
        }
        MonotoneCurve c = byBlock.get(block.toString());
        if (c == null) {
            throw new OutsideMeasuredException(platform + ": block " + block + " was not profiled for " + shape
                    + " (profiled: " + String.join(", ", byBlock.keySet()) + ")");
        }
        return c;
    }
}
