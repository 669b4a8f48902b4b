package org.pruneaug.search;

import java.util.ArrayList;
import java.util.List;

/**
 * The latency / accuracy-proxy frontier of per-layer choices, by an exact multiple-choice knapsack:
 * for every proxy budget D (the sum of per-layer damages, discretised into {@code units} steps up to
 * {@code maxDamage}) the assignment of one option per layer with minimum total predicted latency.
 * Distinct assignments, ordered from the safest (least damage, slowest) to the fastest, form the
 * frontier that fine-tuning then probes.
 *
 * <p>Why a knapsack: the objective (sum of per-layer latencies from the platform's latency model)
 * is additive, and the per-layer damage proxy is treated as additive; then the exact DP costs
 * layers x units x options (a few million steps), versus the product of options over layers for
 * exhaustive enumeration, and unlike a Lagrangian sweep it also finds frontier points that are not
 * on the convex hull.
 */
public final class ParetoFrontier {
    private ParetoFrontier() {
    }

    /** A point of the frontier: the option index chosen per layer, and its totals. */
    public record Point(int[] choice, double latencyMs, double damage) {
    }

    public static List<Point> compute(List<List<LayerOption>> layers, double maxDamage, int units) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no layers");
        }
        if (!(maxDamage > 0) || units < 1) {
            throw new IllegalArgumentException("maxDamage must be > 0 and units >= 1");
        }
        int n = layers.size();
        double unit = maxDamage / units;
        double inf = Double.POSITIVE_INFINITY;
        // best[d]: min latency of the layers seen so far with damage units <= d
        double[] best = new double[units + 1];
        int[][] pick = new int[n][units + 1];
        for (int l = 0; l < n; l++) {
            List<LayerOption> opts = layers.get(l);
            if (opts.isEmpty()) {
                throw new IllegalArgumentException("layer " + l + " has no option");
            }
            double[] next = new double[units + 1];
            java.util.Arrays.fill(next, inf);
            java.util.Arrays.fill(pick[l], -1);
            for (int o = 0; o < opts.size(); o++) {
                LayerOption opt = opts.get(o);
                int u = damageUnits(opt.damage(), unit);
                if (u > units) {
                    continue;
                }
                for (int d = u; d <= units; d++) {
                    double prev = l == 0 ? 0.0 : best[d - u];
                    double v = prev + opt.latencyMs();
                    if (v < next[d]) {
                        next[d] = v;
                        pick[l][d] = o;
                    }
                }
            }
            best = next;
        }
        List<Point> frontier = new ArrayList<>();
        double lastLatency = inf;
        for (int d = 0; d <= units; d++) {
            if (best[d] == inf || !(best[d] < lastLatency - 1e-12)) {
                continue;
            }
            int[] choice = new int[n];
            int rem = d;
            double damage = 0;
            for (int l = n - 1; l >= 0; l--) {
                int o = pick[l][rem];
                choice[l] = o;
                LayerOption opt = layers.get(l).get(o);
                damage += opt.damage();
                rem -= damageUnits(opt.damage(), unit);
            }
            frontier.add(new Point(choice, best[d], damage));
            lastLatency = best[d];
        }
        return frontier;
    }

    static int damageUnits(double damage, double unit) {
        // round up so that a chosen set never exceeds the budget it was chosen under
        return damage <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE - 1, Math.ceil(damage / unit - 1e-9));
    }

    /**
     * At most {@code max} points of a frontier, spread evenly in predicted latency (always keeping
     * the safest and the fastest point), so that bisection works on meaningful steps.
     */
    public static List<Point> thin(List<Point> frontier, int max) {
        if (frontier.size() <= max || max < 2) {
            return frontier;
        }
        double hi = frontier.get(0).latencyMs();
        double lo = frontier.get(frontier.size() - 1).latencyMs();
        List<Point> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < max; i++) {
            double target = hi - (hi - lo) * i / (max - 1);
            while (next < frontier.size() - 1 && frontier.get(next).latencyMs() > target) {
                next++;
            }
            if (out.isEmpty() || out.get(out.size() - 1) != frontier.get(next)) {
                out.add(frontier.get(next));
            }
        }
        return out;
    }
}
