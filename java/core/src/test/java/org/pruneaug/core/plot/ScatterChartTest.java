package org.pruneaug.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterChartTest {
    @Test
    void writesLabelledPointsAndReferenceLinesAsPng(@TempDir Path dir) throws Exception {
        // two networks at the same accuracy 0.2 ms apart, as in a demo's final table
        ScatterChart.Points finals = new ScatterChart.Points("final", new double[] {2.83, 2.63, 12.9},
                new double[] {91.84, 91.84, 92.66}, new String[] {"unstructured", "pruneaug", "dense"});
        Path png = dir.resolve("pareto.png");
        ScatterChart.writePng(png, "t", "ms", "%", List.of(finals), List.of(new LineChart.Line("floor", 91.66),
                new LineChart.Line("fine-tuned", 91.72)), 1000, 650);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(650, img.getHeight());
        assertThrows(IllegalArgumentException.class,
                () -> new ScatterChart.Points("bad", new double[2], new double[2], new String[1]));
    }

    @Test
    void aLabelNearOnesAlreadyPlacedMovesAboveThenBelow() {
        List<double[]> placed = List.of(new double[] {2.83, 91.84});
        assertEquals(1, ScatterChart.crowding(placed, 2.63, 91.84, 12, 3.4), "same accuracy, 0.2 ms apart");
        assertEquals(0, ScatterChart.crowding(placed, 12.9, 91.84, 12, 3.4), "far right");
        assertEquals(0, ScatterChart.crowding(placed, 2.63, 92.66, 12, 3.4), "a point higher up");
        assertEquals(2, ScatterChart.crowding(List.of(placed.get(0), new double[] {2.63, 91.84}), 2.73, 91.85, 12, 3.4));
    }
}
