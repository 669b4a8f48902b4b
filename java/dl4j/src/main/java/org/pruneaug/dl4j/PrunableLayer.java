package org.pruneaug.dl4j;

import org.pruneaug.core.GemmShape;

/**
 * A layer whose weights the pruners may remove, seen as the GEMM the kernels run:
 * {@code Y[rows x n] = W[rows x cols] * X[cols x n]}. Dense: rows = out, cols = in, one column of X
 * per image. Convolution: rows = out channels, cols = in*kh*kw (input channel major, then kernel
 * row, then kernel column), {@code outputPixels} = outH*outW columns of X per image.
 *
 * @param name         stable layer name (the DL4J layer name, or "layer&lt;index&gt;" when unnamed)
 * @param index        index of the layer in the MultiLayerNetwork
 * @param kind         dense or convolution
 * @param rows         m of the GEMM
 * @param cols         k of the GEMM
 * @param outputPixels n of the GEMM per image (1 for dense)
 * @param output       whether this is the network's output layer (pruned only when asked for by name)
 */
public record PrunableLayer(String name, int index, Kind kind, int rows, int cols, int outputPixels,
                            boolean output) {
    public enum Kind { DENSE, CONV }

    /** The GEMM for a batch of {@code batch} images. */
    public GemmShape gemm(int batch) {
        return new GemmShape(rows, cols, batch * outputPixels);
    }

    public int weightCount() {
        return rows * cols;
    }
}
