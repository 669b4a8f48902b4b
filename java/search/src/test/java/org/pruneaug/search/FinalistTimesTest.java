package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pruneaug.core.Json;
import org.pruneaug.inference.Timing;

/** How the finalists' rounds are read: paired within a round, not best round against best round. */
class FinalistTimesTest {
    private static Timing ms(double median) {
        return new Timing(64, 2, 20, median, median, median, List.of());
    }

    /**
     * Plan 0 (predicted fastest) runs 1.6 ms, plan 1 1.8 ms on a calm machine. Slow spells of +20% to
     * +90% hit most rounds, each round slowing both plans alike, and plan 1 once caught the one calm
     * round: its best round (1.80) beats plan 0's (1.92), the pairs say 1.125x.
     */
    @Test
    void aSlowSpellThatSparedOnePlanOnceDoesNotMakeItTheFastest() {
        double[] spell = {1.9, 1.2, 1.5, 1.3, 1.7, 1.4, 1.6, 1.25, 1.35};
        List<List<Timing>> rounds = new ArrayList<>();
        for (int r = 0; r < spell.length; r++) {
            double b = r == 1 ? 1.0 : spell[r]; // plan 1's second round fell in a calm moment
            rounds.add(List.of(ms(1.6 * spell[r]), ms(1.8 * b)));
        }
        SearchCache.FinalistTimes t = PruneAugSearch.pairedTimes(rounds, 0);
        assertEquals(1.92, t.bestMs().get(0), 1e-9);
        assertEquals(1.80, t.bestMs().get(1), 1e-9);
        assertTrue(t.bestMs().get(1) < t.bestMs().get(0), "by best rounds plan 1 looks faster");
        assertEquals(1.0, t.ratioToChosen().get(0), 1e-12);
        assertEquals(1.125, t.ratioToChosen().get(1), 1e-9);
        assertTrue(t.ratioToChosen().get(1) > 1 - PruneAugSearch.FINALIST_MIN_GAIN, "the pairs keep plan 0");
    }

    /** A plan 20% faster in every round is 0.8x whatever the machine did between rounds. */
    @Test
    void aPlanFasterInEveryRoundIsFasterByItsRatio() {
        List<List<Timing>> rounds = new ArrayList<>();
        for (double spell : new double[] {1.0, 2.5, 1.1, 3.0, 1.05}) {
            rounds.add(List.of(ms(2.0 * spell), ms(1.6 * spell), ms(2.2 * spell)));
        }
        SearchCache.FinalistTimes t = PruneAugSearch.pairedTimes(rounds, 0);
        assertEquals(List.of(1.0, 0.8, 1.1), t.ratioToChosen().stream().map(x -> Math.round(x * 1e9) / 1e9).toList());
        assertEquals(List.of(2.0, 1.6, 2.2), t.bestMs().stream().map(x -> Math.round(x * 1e9) / 1e9).toList());
    }

    /** What a resumed search reads back is what the interrupted one measured. */
    @Test
    void theCachedMeasurementReadsBackAsWritten(@TempDir java.nio.file.Path dir) throws Exception {
        SearchCache.FinalistTimes t = new SearchCache.FinalistTimes(List.of(1.5, 1.7), List.of(1.0, 1.121));
        java.nio.file.Path f = dir.resolve("finalists-paired.json");
        Json.write(f, java.util.Map.of("vs a,a,b", t));
        java.util.Map<String, SearchCache.FinalistTimes> back = Json.MAPPER.readValue(f.toFile(),
                new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, SearchCache.FinalistTimes>>() { });
        assertEquals(t, back.get("vs a,a,b"));
    }
}
