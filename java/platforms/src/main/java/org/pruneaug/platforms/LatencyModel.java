package org.pruneaug.platforms;

import java.util.List;
import java.util.Set;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;

/**
 * A platform's predicted latency of one layer GEMM, from measurements: exact at measured densities,
 * monotone-interpolated between them, and an {@link OutsideMeasuredException} (never a guess) for a
 * shape, block or density outside what was measured.
 */
public interface LatencyModel {
    String platform();

    /** Milliseconds per call of {@code Y = W X} for a W of this block shape and block density. */
    double latencyMs(GemmShape shape, BlockShape block, double density);

    /** Whether {@link #latencyMs} would answer (rather than throw). */
    boolean covers(GemmShape shape, BlockShape block, double density);

    /** Shapes with at least one measurement. */
    Set<GemmShape> shapes();

    /** Block shapes measured for a shape (empty for dense baselines, which answer for any block). */
    List<BlockShape> blocks(GemmShape shape);

    /** The model of a latency table. */
    static LatencyModel of(LatencyTable table) {
        return new TableLatencyModel(table);
    }
}
