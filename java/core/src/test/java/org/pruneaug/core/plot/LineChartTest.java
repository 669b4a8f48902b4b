package org.pruneaug.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {
    @Test
    void writesOnePanelPerShapeAsPng(@TempDir Path dir) throws Exception {
        LineChart.Series s = new LineChart.Series("8x8", new double[] {0.1, 0.5, 1.0}, new double[] {0.2, 0.9, 2.0});
        LineChart.Panel panel = new LineChart.Panel("GEMM 64x64x64", List.of(s), List.of(new LineChart.Line("dense", 1.5)));
        Path png = dir.resolve("out.png");
        LineChart.writePng(png, "title", "density", "ms", List.of(panel, panel), true, new double[] {0, 1}, 800);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(120 + 2 * 360, img.getHeight());
        assertThrows(IllegalArgumentException.class, () -> new LineChart.Series("bad", new double[1], new double[2]));
        assertThrows(IllegalArgumentException.class,
                () -> LineChart.writePng(png, "t", "x", "y", List.of(), false, null, 100));
    }
}
