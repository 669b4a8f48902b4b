package org.pruneaug.dl4j;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.pruneaug.core.InvalidInputException;

/**
 * Reads Fashion-MNIST from the gzipped IDX files of the Debian package {@value #PACKAGE} (never from
 * the network). Pixels are scaled to [0, 1]; images are 28x28 flattened row-major, which is what
 * {@code InputType.convolutionalFlat(28, 28, 1)} expects, so every zoo model takes the same features.
 */
public final class FashionMnist {
    public static final String PACKAGE = "dataset-fashion-mnist";
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private FashionMnist() {
    }

    /** The 60000 training images. */
    public static LabeledImages train(Path dir) {
        return read(dir.resolve(TRAIN_IMAGES), dir.resolve(TRAIN_LABELS));
    }

    /** The 10000 test images: for final reports only, never for decisions. */
    public static LabeledImages test(Path dir) {
        return read(dir.resolve(TEST_IMAGES), dir.resolve(TEST_LABELS));
    }

    /** Training set split into train + held-out validation, and the test set. */
    public static DataSplit load(Path dir) {
        return DataSplit.of(train(dir), test(dir));
    }

    /** Reads one image file and its label file (gzipped or plain IDX). */
    public static LabeledImages read(Path imagesFile, Path labelsFile) {
        byte[] labels = readIdx(labelsFile, LABELS_MAGIC, 1);
        byte[] pixels = readIdx(imagesFile, IMAGES_MAGIC, 3);
        int count = labels.length;
        if (pixels.length != (long) count * LabeledImages.PIXELS) {
            throw corrupt(imagesFile, "holds " + pixels.length / LabeledImages.PIXELS + " images but "
                    + labelsFile.getFileName() + " holds " + count + " labels");
        }
        int[] lab = new int[count];
        for (int i = 0; i < count; i++) {
            lab[i] = labels[i] & 0xff;
            if (lab[i] >= LabeledImages.CLASSES) {
                throw corrupt(labelsFile, "label " + lab[i] + " at index " + i + " is not a class 0-9");
            }
        }
        float[] px = new float[pixels.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = (pixels[i] & 0xff) / 255f;
        }
        return new LabeledImages(px, lab);
    }

    /** The payload of an IDX file of unsigned bytes, checked against its header. */
    static byte[] readIdx(Path file, int magic, int dims) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(open(file), 1 << 16))) {
            int m = in.readInt();
            if (m != magic) {
                throw corrupt(file, String.format("has magic number 0x%08x, expected 0x%08x", m, magic));
            }
            int count = in.readInt();
            long size = count;
            for (int d = 1; d < dims; d++) {
                int len = in.readInt();
                if (len != (d == 1 ? ROWS : COLS)) {
                    throw corrupt(file, "has images of dimension " + len + ", expected 28x28");
                }
                size *= len;
            }
            if (count <= 0 || size > Integer.MAX_VALUE) {
                throw corrupt(file, "declares " + count + " items");
            }
            byte[] data = new byte[(int) size];
            in.readFully(data);
            if (in.read() != -1) {
                throw corrupt(file, "has bytes after the " + count + " items its header declares");
            }
            return data;
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("Fashion-MNIST file " + file + " is missing; " + howToInstall());
        } catch (EOFException e) {
            throw corrupt(file, "is truncated");
        } catch (ZipException e) {
            throw corrupt(file, "is not a valid gzip file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw corrupt(file, "cannot be read (" + e.getMessage() + ")");
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    private static InvalidInputException corrupt(Path file, String what) {
        return new InvalidInputException("Fashion-MNIST file " + file + " " + what + "; " + howToInstall());
    }

    static String howToInstall() {
        return "reinstall the Debian package " + PACKAGE + " (apt-get install --reinstall " + PACKAGE
                + ", or run scripts/setup.sh) or point --data-dir at a folder holding " + TRAIN_IMAGES
                + ", " + TRAIN_LABELS + ", " + TEST_IMAGES + " and " + TEST_LABELS;
    }
}
