package org.pruneaug.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pruneaug.core.InvalidInputException;

class FashionMnistTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheRealTestSet() {
        LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
        assertEquals(10_000, test.size());
        int[] perClass = new int[LabeledImages.CLASSES];
        for (int i = 0; i < test.size(); i++) {
            perClass[test.label(i)]++;
        }
        int[] thousand = new int[LabeledImages.CLASSES];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, perClass, "Fashion-MNIST's test set has 1000 images per class");
        float[] px = test.batch(null, 0, 1).getFeatures().dup('c').data().asFloat();
        assertEquals(LabeledImages.PIXELS, px.length);
        for (float p : px) {
            assertTrue(p >= 0 && p <= 1, "pixels are scaled to [0, 1]");
        }
    }

    @Test
    void splitIsFixedAndHoldsOutValidation() {
        DataSplit a = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        assertEquals(55_000, a.train().size());
        assertEquals(DataSplit.VALIDATION_SIZE, a.validation().size());
        assertEquals(10_000, a.test().size());
        DataSplit b = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.validation().label(i), b.validation().label(i));
        }
        assertArrayEquals(a.validation().batch(null, 0, 8).getFeatures().dup('c').data().asFloat(),
                b.validation().batch(null, 0, 8).getFeatures().dup('c').data().asFloat());
    }

    @Test
    void readsASmallHandMadeFile() throws IOException {
        byte[] pixels = new byte[2 * 784];
        pixels[0] = (byte) 255;
        pixels[784 + 1] = (byte) 51;
        Path images = gz(tmp.resolve("img.gz"), idx(0x803, new int[] {2, 28, 28}, pixels));
        Path labels = gz(tmp.resolve("lab.gz"), idx(0x801, new int[] {2}, new byte[] {3, 9}));
        LabeledImages d = FashionMnist.read(images, labels);
        assertEquals(2, d.size());
        assertEquals(3, d.label(0));
        assertEquals(9, d.label(1));
        float[] f = d.batch(null, 0, 2).getFeatures().dup('c').data().asFloat();
        assertEquals(1f, f[0]);
        assertEquals(0.2f, f[784 + 1], 1e-6);
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0},
                d.batch(null, 0, 1).getLabels().dup('c').data().asFloat());
    }

    @Test
    void corruptFilesGiveAnErrorNamingThePackage() throws IOException {
        Path labels = gz(tmp.resolve("lab.gz"), idx(0x801, new int[] {2}, new byte[] {3, 9}));
        Path wrongMagic = gz(tmp.resolve("magic.gz"), idx(0x999, new int[] {2, 28, 28}, new byte[2 * 784]));
        Path truncated = gz(tmp.resolve("short.gz"), idx(0x803, new int[] {2, 28, 28}, new byte[784 + 10]));
        Path notGzip = Files.write(tmp.resolve("garbage.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        Path badLabel = gz(tmp.resolve("badlab.gz"), idx(0x801, new int[] {2}, new byte[] {3, 42}));
        Path images = gz(tmp.resolve("img.gz"), idx(0x803, new int[] {2, 28, 28}, new byte[2 * 784]));
        for (Path[] pair : new Path[][] {{wrongMagic, labels}, {truncated, labels}, {notGzip, labels},
                {images, badLabel}, {tmp.resolve("missing.gz"), labels}}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> FashionMnist.read(pair[0], pair[1]));
            assertTrue(e.getMessage().contains(FashionMnist.PACKAGE), e.getMessage());
        }
        InvalidInputException countMismatch = assertThrows(InvalidInputException.class, () -> FashionMnist.read(
                gz(tmp.resolve("one.gz"), idx(0x803, new int[] {1, 28, 28}, new byte[784])), labels));
        assertTrue(countMismatch.getMessage().contains("labels"), countMismatch.getMessage());
        InvalidInputException missingDir = assertThrows(InvalidInputException.class,
                () -> FashionMnist.load(tmp.resolve("nowhere")));
        assertTrue(missingDir.getMessage().contains("missing") && missingDir.getMessage().contains(FashionMnist.PACKAGE));
    }

    private static byte[] idx(int magic, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(payload);
        return b.array();
    }

    private static Path gz(Path file, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return Files.write(file, bytes.toByteArray());
    }
}
