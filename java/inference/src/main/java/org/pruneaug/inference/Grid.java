package org.pruneaug.inference;

/**
 * Geometry of a "grid" activation tensor (native/include/pruneaug/grid.h): {@code channels} rows,
 * each holding {@code batch} images of {@code height x width} with {@code pad} shared zero columns
 * after every image row and {@code pad} zero rows after every image, plus a guard of zeros at both
 * ends. Channel stride {@code ldc} is rounded up to 16 floats so every channel starts 64-byte aligned.
 */
public record Grid(int channels, int batch, int height, int width, int pad, long ldc) {
    public static Grid of(int channels, int batch, int height, int width, int pad) {
        long min = minLdc(batch, height, width, pad);
        return new Grid(channels, batch, height, width, pad, (min + 15) / 16 * 16);
    }

    static long minLdc(int batch, int height, int width, int pad) {
        long wp = width + pad;
        long hp = height + pad;
        return batch * hp * wp + 2 * (pad * wp + pad);
    }

    public int paddedWidth() {
        return width + pad;
    }

    public int paddedHeight() {
        return height + pad;
    }

    /** Offset of pixel (0, 0) of image 0 within a channel. */
    public long origin() {
        return (long) pad * paddedWidth() + pad;
    }

    /** Positions an implicit GEMM over this grid computes: every padded pixel of every image. */
    public int positions() {
        return Math.toIntExact((long) batch * paddedHeight() * paddedWidth());
    }

    public long floats() {
        return channels * ldc;
    }

    /** Values per image in DL4J's flattening (channel, row, column). */
    public int featuresPerImage() {
        return channels * height * width;
    }

    public Grid withChannels(int c) {
        return of(c, batch, height, width, pad);
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width + " (batch " + batch + ", pad " + pad + ")";
    }
}
