package org.pruneaug.nativ;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.pruneaug.core.BlockShape;

/**
 * An immutable block-sparse (BSR) weight {@code W[rows x cols]} in the layout of
 * native/include/pruneaug/bsr.h: {@code ceil(rows/br) + 1} block-row pointers, strictly increasing
 * block-column indices per block row, and {@code br*bc} row-major values per stored block. When rows
 * or cols is not a multiple of the block, the last block row/column is padded with zeros.
 *
 * <p>Every instance is valid: the constructor checks array sizes in Java, then the structure with
 * {@code pa_bsr_validate}, so kernels can trust it without re-checking on the hot path.
 */
public final class BsrMatrix {
    private final int rows;
    private final int cols;
    private final BlockShape block;
    private final int[] rowPtr;
    private final int[] colIdx;
    private final float[] values;

    /** Copies the arrays and validates them; a malformed structure is an IllegalArgumentException. */
    public BsrMatrix(int rows, int cols, BlockShape block, int[] rowPtr, int[] colIdx, float[] values) {
        this(rows, cols, block, copy(rowPtr, "rowPtr"), copy(colIdx, "colIdx"), copy(values, "values"), true);
    }

    private BsrMatrix(int rows, int cols, BlockShape block, int[] rowPtr, int[] colIdx, float[] values,
            boolean validate) {
        OffHeap.requirePositive(rows, "rows");
        OffHeap.requirePositive(cols, "cols");
        this.rows = rows;
        this.cols = cols;
        this.block = Objects.requireNonNull(block, "block");
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
        if (validate) {
            checkSizes();
            try (NativeBsr n = new NativeBsr(this)) {
                NativeCalls.check(PaNative.pa_bsr_validate(n.view()), "pa_bsr_validate");
            }
        }
    }

    /** Every block that holds a non-zero weight is kept. */
    public static BsrMatrix fromDense(float[] dense, int rows, int cols, BlockShape block) {
        return fromDense(dense, rows, cols, block, null);
    }

    /**
     * Dense row-major {@code rows x cols} weight to BSR: a block is kept iff any of its elements has
     * {@code keep[i*cols+j]}; inside a kept block, elements not kept are stored as 0, so a finer
     * (e.g. 1x1) pattern inside a block stays exact. {@code keep == null} keeps non-zero blocks.
     */
    public static BsrMatrix fromDense(float[] dense, int rows, int cols, BlockShape block, boolean[] keep) {
        OffHeap.requirePositive(rows, "rows");
        OffHeap.requirePositive(cols, "cols");
        Objects.requireNonNull(block, "block");
        long size = (long) rows * cols;
        requireLength(dense, size, "dense weight", rows, cols);
        if (keep != null) {
            requireLength(keep, size, "keep mask", rows, cols);
        }
        int br = block.rows();
        int bc = block.cols();
        int mb = ceilDiv(rows, br);
        try (FloatPointer w = new FloatPointer(dense);
                BytePointer mask = keep == null ? null : toBytes(keep);
                IntPointer count = new IntPointer(1)) {
            NativeCalls.check(PaNative.pa_bsr_count_blocks(rows, cols, br, bc, w, cols, mask, cols, count),
                    "pa_bsr_count_blocks");
            int nnzb = count.get();
            try (IntPointer rp = new IntPointer(mb + 1);
                    IntPointer ci = new IntPointer(Math.max(1, nnzb));
                    FloatPointer v = new FloatPointer(Math.max(1L, (long) nnzb * br * bc))) {
                NativeCalls.check(PaNative.pa_bsr_from_dense(rows, cols, br, bc, w, cols, mask, cols, rp, ci, v,
                        nnzb, count), "pa_bsr_from_dense");
                int[] rowPtr = new int[mb + 1];
                int[] colIdx = new int[nnzb];
                float[] values = new float[nnzb * br * bc];
                rp.get(rowPtr);
                ci.get(colIdx);
                v.get(values);
                return new BsrMatrix(rows, cols, block, rowPtr, colIdx, values, false);
            }
        }
    }

    /**
     * A random weight keeping exactly {@code round(density * blocks)} of the blocks, chosen uniformly
     * without replacement, values uniform in [-1, 1): what the profiler and the tests measure.
     */
    public static BsrMatrix random(int rows, int cols, BlockShape block, double density, Random random) {
        OffHeap.requirePositive(rows, "rows");
        OffHeap.requirePositive(cols, "cols");
        if (!(density >= 0.0 && density <= 1.0)) {
            throw new IllegalArgumentException("density " + density + " is outside [0, 1]");
        }
        int mb = ceilDiv(rows, block.rows());
        int kb = ceilDiv(cols, block.cols());
        long total = (long) mb * kb;
        int keep = (int) Math.round(density * total);
        // partial Fisher-Yates over block ids, then sort the chosen ones into BSR order
        int[] ids = new int[Math.toIntExact(total)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        for (int i = 0; i < keep; i++) {
            int j = i + random.nextInt(ids.length - i);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        int[] chosen = Arrays.copyOf(ids, keep);
        Arrays.sort(chosen);
        int[] rowPtr = new int[mb + 1];
        int[] colIdx = new int[keep];
        for (int p = 0; p < keep; p++) {
            rowPtr[chosen[p] / kb + 1]++;
            colIdx[p] = chosen[p] % kb;
        }
        for (int r = 0; r < mb; r++) {
            rowPtr[r + 1] += rowPtr[r];
        }
        int bs = block.size();
        float[] values = new float[keep * bs];
        for (int p = 0; p < keep; p++) {
            int r0 = chosen[p] / kb * block.rows();
            int c0 = colIdx[p] * block.cols();
            for (int e = 0; e < bs; e++) {
                boolean inside = r0 + e / block.cols() < rows && c0 + e % block.cols() < cols;
                values[p * bs + e] = inside ? random.nextFloat() * 2f - 1f : 0f;  // padding stays zero
            }
        }
        return new BsrMatrix(rows, cols, block, rowPtr, colIdx, values, false);
    }

    /** Dense row-major {@code rows x cols}; elements of absent blocks are 0. */
    public float[] toDense() {
        try (NativeBsr n = new NativeBsr(this); FloatPointer out = new FloatPointer((long) rows * cols)) {
            NativeCalls.check(PaNative.pa_bsr_to_dense(n.view(), out, cols), "pa_bsr_to_dense");
            float[] dense = new float[rows * cols];
            out.get(dense);
            return dense;
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public BlockShape block() {
        return block;
    }

    public int blockRows() {
        return rowPtr.length - 1;
    }

    public int blockCols() {
        return ceilDiv(cols, block.cols());
    }

    /** Stored blocks. */
    public int nnzb() {
        return colIdx.length;
    }

    /** Fraction of the block grid that is stored. */
    public double blockDensity() {
        return nnzb() / ((double) blockRows() * blockCols());
    }

    public int[] rowPtr() {
        return rowPtr.clone();
    }

    public int[] colIdx() {
        return colIdx.clone();
    }

    public float[] values() {
        return values.clone();
    }

    // package-private views without copies, for NativeBsr
    int[] rowPtrArray() {
        return rowPtr;
    }

    int[] colIdxArray() {
        return colIdx;
    }

    float[] valuesArray() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BsrMatrix b && rows == b.rows && cols == b.cols && block.equals(b.block)
                && Arrays.equals(rowPtr, b.rowPtr) && Arrays.equals(colIdx, b.colIdx)
                && Arrays.equals(values, b.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, cols, block, Arrays.hashCode(rowPtr), Arrays.hashCode(colIdx),
                Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "BsrMatrix[" + rows + "x" + cols + ", block " + block + ", " + nnzb() + " of "
                + (long) blockRows() * blockCols() + " blocks]";
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Array sizes the native validator relies on (it trusts them to bound its reads). */
    private void checkSizes() {
        int mb = ceilDiv(rows, block.rows());
        if (rowPtr.length != mb + 1) {
            throw new IllegalArgumentException("rowPtr has " + rowPtr.length + " entries, a " + rows + "x" + cols
                    + " weight with " + block + " blocks needs " + (mb + 1));
        }
        long expected = (long) colIdx.length * block.size();
        if (values.length != expected) {
            throw new IllegalArgumentException("values has " + values.length + " floats, " + colIdx.length
                    + " blocks of " + block + " need " + expected);
        }
    }

    private static int[] copy(int[] array, String what) {
        if (array == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return array.clone();
    }

    private static float[] copy(float[] array, String what) {
        if (array == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return array.clone();
    }

    private static void requireLength(Object array, long size, String what, int rows, int cols) {
        if (array == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        int length = array instanceof float[] f ? f.length : ((boolean[]) array).length;
        if (length != size) {
            throw new IllegalArgumentException(what + " has " + length + " elements, " + rows + "x" + cols
                    + " needs " + size);
        }
    }

    private static BytePointer toBytes(boolean[] keep) {
        byte[] b = new byte[keep.length];
        for (int i = 0; i < keep.length; i++) {
            b[i] = keep[i] ? (byte) 1 : 0;
        }
        return new BytePointer(b);
    }
}
