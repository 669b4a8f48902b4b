package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pruneaug.core.BlockShape;

class ParetoFrontierTest {
    private static LayerOption opt(double lat, double dmg) {
        return new LayerOption(BlockShape.UNSTRUCTURED, 0.5, lat, dmg, true);
    }

    @Test
    void frontierMatchesBruteForceOnRandomInstances() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 50; trial++) {
            List<List<LayerOption>> layers = new ArrayList<>();
            int n = 1 + rnd.nextInt(4);
            for (int l = 0; l < n; l++) {
                List<LayerOption> opts = new ArrayList<>();
                int k = 1 + rnd.nextInt(4);
                for (int o = 0; o < k; o++) {
                    // damages on the unit grid so discretisation is exact
                    opts.add(opt(1 + rnd.nextInt(20), rnd.nextInt(6) * 0.1));
                }
                layers.add(opts);
            }
            List<ParetoFrontier.Point> f = ParetoFrontier.compute(layers, 3.0, 30);
            // every budget: the DP optimum equals the brute-force optimum
            for (int d = 0; d <= 30; d++) {
                double budget = d * 0.1 + 1e-9;
                double brute = bruteForce(layers, 0, budget);
                double dp = Double.POSITIVE_INFINITY;
                for (ParetoFrontier.Point p : f) {
                    if (p.damage() <= budget) {
                        dp = Math.min(dp, p.latencyMs());
                    }
                }
                assertEquals(brute, dp, 1e-9, "trial " + trial + " budget " + budget);
            }
            for (int i = 1; i < f.size(); i++) {
                assertTrue(f.get(i).latencyMs() < f.get(i - 1).latencyMs());
                assertTrue(f.get(i).damage() >= f.get(i - 1).damage() - 1e-12);
            }
        }
    }

    private static double bruteForce(List<List<LayerOption>> layers, int l, double budget) {
        if (l == layers.size()) {
            return budget >= -1e-12 ? 0 : Double.POSITIVE_INFINITY;
        }
        double best = Double.POSITIVE_INFINITY;
        for (LayerOption o : layers.get(l)) {
            best = Math.min(best, o.latencyMs() + bruteForce(layers, l + 1, budget - o.damage()));
        }
        return best;
    }

    @Test
    void choicesReconstructTheTotals() {
        List<List<LayerOption>> layers = List.of(
                List.of(opt(10, 0), opt(4, 0.3), opt(2, 1.0)),
                List.of(opt(8, 0), opt(3, 0.2)));
        List<ParetoFrontier.Point> f = ParetoFrontier.compute(layers, 2.0, 200);
        assertArrayEquals(new int[] {0, 0}, f.get(0).choice());
        assertEquals(18, f.get(0).latencyMs(), 1e-9);
        ParetoFrontier.Point fastest = f.get(f.size() - 1);
        assertArrayEquals(new int[] {2, 1}, fastest.choice());
        assertEquals(5, fastest.latencyMs(), 1e-9);
        assertEquals(1.2, fastest.damage(), 1e-9);
    }

    @Test
    void thinKeepsEndsAndSpreadsByLatency() {
        List<ParetoFrontier.Point> f = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            f.add(new ParetoFrontier.Point(new int[0], 100 - i, i));
        }
        List<ParetoFrontier.Point> t = ParetoFrontier.thin(f, 5);
        assertEquals(5, t.size());
        assertEquals(100, t.get(0).latencyMs(), 1e-9);
        assertEquals(1, t.get(4).latencyMs(), 1e-9);
    }
}
