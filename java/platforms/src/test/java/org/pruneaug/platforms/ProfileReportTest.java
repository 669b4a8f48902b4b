package org.pruneaug.platforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileReportTest {
    private static ProfileReport.Row row(String block, double density, double ms) {
        return new ProfileReport.Row("p", 64, 64, 32, block, density, 2, ms, ms, ms, 0, density, "k", null, null);
    }

    @Test
    void stabilityCountsCellsWithinToleranceAndSeparatesAMachineWideShift() {
        List<ProfileReport.Row> before = new ArrayList<>();
        List<ProfileReport.Row> now = new ArrayList<>();
        double[] noise = {1.00, 1.02, 0.98, 1.04, 0.96, 1.01, 0.99, 1.03, 0.97, 1.30};
        for (int i = 0; i < noise.length; i++) {
            double d = 0.05 * (i + 1);
            before.add(row("4x4", d, 1.0 + i));
            // the whole second run 12% slower, each cell with its own few-percent noise, one outlier
            now.add(row("4x4", d, (1.0 + i) * 1.12 * noise[i]));
        }
        now.add(row("8x8", 0.5, 3.0)); // no partner: not compared
        ProfileReport.Stability st = new ProfileReport(now).compareTo(before, 0.10);
        assertEquals(10, st.matched());
        assertEquals(3, st.within(), "raw: only the cells whose noise cancels part of the 12% shift");
        assertEquals(1.12 * 1.01, st.shift(), 1e-9, "median ratio");
        assertEquals(9, st.withinAfterShift(), "shift divided out: all but the 30% outlier");
        assertEquals(0.9, st.fractionAfterShift(), 1e-12);

        ProfileReport.Stability same = new ProfileReport(before).compareTo(before, 0.10);
        assertEquals(10, same.within());
        assertEquals(1.0, same.shift(), 1e-12);
        assertEquals(0.0, same.medianRelativeDifference(), 1e-12);
    }
}
