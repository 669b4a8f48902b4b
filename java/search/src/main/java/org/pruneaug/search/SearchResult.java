package org.pruneaug.search;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.core.Provenance;
import org.pruneaug.inference.Agreement;

/**
 * DIR/result.json of a search: the chosen per-layer assignment, the baselines measured in the same
 * run, the candidates the search looked at, what the search cost, and where it all came from.
 * {@code unprunedFineTunedAccuracy}: validation accuracy of the unpruned network after the
 * candidates' fine-tuning, what the recipe costs by itself (null in results written before it was kept).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SearchResult(String format, Map<String, Object> config, Provenance provenance, double denseValidationAccuracy,
                           double accuracyFloor, List<LayerChoice> assignment, List<Network> networks,
                           List<Candidate> candidates, List<FrontierPoint> frontier, Map<String, List<String>> survivors,
                           Map<String, Map<String, String>> droppedBy, Agreement agreement, Cost cost,
                           Double unprunedFineTunedAccuracy) {
    public static final String FORMAT = "pruneaug-search-result/1";

    /** The search's decision for one layer. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LayerChoice(String layer, String block, double sparsity, String gemm, String kernel,
                              double predictedMs, double denseMs) {
    }

    /**
     * One of the networks compared in the same run: dense, unstructured, uniform block, PruneAug.
     * {@code predictedMs}: the latency model as calibrated for the final table (the search's calibration,
     * or a new one when the machine had moved); {@code searchPredictedMs}: as the search calibrated it,
     * hours earlier in a long search (null in a result written before it was kept).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Network(String name, String description, List<LayerAssignment> plan, double overallSparsity,
                          double validationAccuracy, double testAccuracy, double measuredMs, double measuredMinMs,
                          double measuredMaxMs, double predictedMs, double predictionError, double speedupVsDense,
                          boolean meetsBudget, String model, List<OpTime> ops, Double searchPredictedMs,
                          Double searchPredictionError) {
        /** The search's prediction and its error, as the report and the CLI table print it ("-" if not kept). */
        @JsonIgnore
        public String searchPrediction() {
            return searchPredictedMs == null ? "-" : String.format(Locale.ROOT, "%.3f (%+.1f%%)", searchPredictedMs,
                    100 * searchPredictionError);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OpTime(String op, String kind, String gemm, String kernel, double density, double medianMs) {
    }

    /** A fine-tuned candidate (PruneAug's probes and the baselines' ones). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Candidate(String family, String key, List<LayerAssignment> plan, double predictedMs,
                            double proxyDamage, double validationAccuracy, boolean feasible, double fineTuneSeconds) {
    }

    /** A point of the latency / proxy-damage frontier (before fine-tuning). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FrontierPoint(int index, double predictedMs, double proxyDamage, List<LayerAssignment> plan) {
    }

    /** What the search cost, and how much of the space it never had to look at. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Cost(double fullSpaceSize, double prunedSpaceSize, int blocksConsidered, int blockOptionsBefore,
                       int blockOptionsAfter, int cheapEvaluations, int cheapEvaluationsReused, int frontierPoints,
                       int fineTunes, int fineTunesReused, Map<String, Double> phaseSeconds) {
    }
}
