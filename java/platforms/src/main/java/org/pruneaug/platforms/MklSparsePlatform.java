package org.pruneaug.platforms;

import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.mkl.global.mkl_rt;
import org.pruneaug.core.BlockShape;
import org.pruneaug.nativ.BsrMatrix;
import org.pruneaug.nativ.OffHeap;

/**
 * Intel MKL's sparse BLAS: {@code mkl_sparse_s_create_bsr} + {@code mkl_sparse_s_mm} for square
 * blocks, CSR for 1x1 (our BSR arrays with 1x1 blocks are exactly CSR). MKL's BSR has no notion of a
 * partial block, so when m or k is not a multiple of the block, X is copied into a zero-padded buffer
 * and Y computed into one and copied back: part of what using MKL costs for such a layer.
 */
final class MklSparsePlatform extends BasePlatform {
    MklSparsePlatform(PlatformDescriptor descriptor) {
        super(descriptor);
        for (BlockShape b : super.supportedBlocks()) {
            if (b.rows() != b.cols()) {
                throw new org.pruneaug.core.InvalidInputException("platform " + descriptor.id()
                        + ": MKL BSR blocks are square, " + b + " is not");
            }
        }
    }

    @Override
    Optional<String> libraryUnavailableReason() {
        return Mkl.get().unavailableReason();
    }

    @Override
    public Map<String, String> libraryVersions() {
        return Map.of("mkl", Mkl.get().version());
    }

    @Override
    public String kernelName(BlockShape block) {
        return block.isUnstructured() ? "mkl_sparse_s_mm(csr)" : "mkl_sparse_s_mm(bsr " + block + ")";
    }

    @Override
    public Map<String, Integer> pinThreads(int threads) {
        Mkl.get().pinThreads(threads);
        return Map.of("mkl", threads);
    }

    @Override
    public PreparedGemm prepare(BsrMatrix w, float[] bias, boolean relu) {
        checkPrepare(w, bias);
        return new MklGemm(w, bias, relu, kernelName(w.block()));
    }

    private static final class MklGemm extends AbstractPreparedGemm {
        private final int b;
        private final int mPadded;
        private final int kPadded;
        private final float[] bias;
        private final boolean relu;
        private final boolean empty;
        private final IntPointer rowPtr;
        private final IntPointer colIdx;
        private final FloatPointer values;
        private final mkl_rt.sparse_matrix handle = new mkl_rt.sparse_matrix();
        private final mkl_rt.matrix_descr descr = new mkl_rt.matrix_descr().type(mkl_rt.SPARSE_MATRIX_TYPE_GENERAL);
        private int hintedN = -1;
        private FloatPointer xPad;
        private FloatPointer yPad;
        private int padN = -1;

        MklGemm(BsrMatrix w, float[] bias, boolean relu, String kernel) {
            super(w.rows(), w.cols(), kernel);
            this.b = w.block().rows();
            this.mPadded = w.blockRows() * b;
            this.kPadded = w.blockCols() * b;
            this.bias = bias == null ? null : bias.clone();
            this.relu = relu;
            this.empty = w.nnzb() == 0;
            // MKL keeps pointers to these arrays (no copy), so they live as long as the handle
            rowPtr = new IntPointer(w.rowPtr());
            colIdx = new IntPointer(empty ? new int[1] : w.colIdx());
            values = OffHeap.alignedCopy(w.values());
            if (!empty) {
                IntPointer rowsEnd = new IntPointer(rowPtr).position(1);
                int status = b == 1
                        ? mkl_rt.mkl_sparse_s_create_csr(handle, mkl_rt.SPARSE_INDEX_BASE_ZERO, w.rows(), w.cols(),
                                rowPtr, rowsEnd, colIdx, values)
                        : mkl_rt.mkl_sparse_s_create_bsr(handle, mkl_rt.SPARSE_INDEX_BASE_ZERO,
                                mkl_rt.SPARSE_LAYOUT_ROW_MAJOR, w.blockRows(), w.blockCols(), b, rowPtr, rowsEnd, colIdx,
                                values);
                check(status, "mkl_sparse_s_create_" + (b == 1 ? "csr" : "bsr"));
            }
        }

        @Override
        void compute(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, int threads) {
            Mkl.get().pinThreads(threads);
            boolean padded = mPadded != m() || kPadded != k();
            FloatPointer xIn = x;
            FloatPointer yOut = y;
            int ldxIn = ldx;
            int ldyOut = ldy;
            if (padded) {
                ensurePadding(n);
                copyRows(x, ldx, xPad, n, k(), n);
                xIn = xPad;
                yOut = yPad;
                ldxIn = n;
                ldyOut = n;
            }
            if (bias != null) {
                Epilogue.fillBias(yOut, ldyOut, m(), n, bias);
            }
            if (empty) {
                if (bias == null) {
                    zeroRows(yOut, ldyOut, m(), n);
                }
            } else {
                if (hintedN != n) {
                    // the hint lets MKL pick (and optimize build) its algorithm for this n; costs once per n
                    mkl_rt.mkl_sparse_set_mm_hint(handle, mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, descr,
                            mkl_rt.SPARSE_LAYOUT_ROW_MAJOR, n, 1_000_000);
                    check(mkl_rt.mkl_sparse_optimize(handle), "mkl_sparse_optimize");
                    hintedN = n;
                }
                check(mkl_rt.mkl_sparse_s_mm(mkl_rt.SPARSE_OPERATION_NON_TRANSPOSE, 1f, handle, descr,
                        mkl_rt.SPARSE_LAYOUT_ROW_MAJOR, xIn, n, ldxIn, bias == null ? 0f : 1f, yOut, ldyOut),
                        "mkl_sparse_s_mm");
            }
            if (relu) {
                Epilogue.relu(yOut, ldyOut, m(), n, threads);
            }
            if (padded) {
                copyRows(yPad, n, y, ldy, m(), n);
            }
        }

        private void ensurePadding(int n) {
            if (padN == n) {
                return;
            }
            releasePadding();
            xPad = OffHeap.alignedFloats((long) kPadded * n);
            yPad = OffHeap.alignedFloats((long) mPadded * n);
            padN = n;
        }

        /** Copies rows x n floats between row-major buffers (Pointer.put scales positions to bytes). */
        private static void copyRows(FloatPointer src, int lds, FloatPointer dst, int ldd, int rows, int n) {
            FloatPointer s = new FloatPointer(src);  // moving views leaves the caller's pointers alone
            FloatPointer d = new FloatPointer(dst);
            if (lds == n && ldd == n) {
                d.put(s.limit(src.position() + (long) rows * n));
                return;
            }
            for (int i = 0; i < rows; i++) {
                long from = src.position() + (long) i * lds;
                d.position(dst.position() + (long) i * ldd).put(s.position(from).limit(from + n));
            }
        }

        private static void zeroRows(FloatPointer y, int ldy, int rows, int n) {
            FloatPointer d = new FloatPointer(y);
            for (int i = 0; i < rows; i++) {
                long from = y.position() + (long) i * ldy;
                d.position(from).limit(from + n).zero();
            }
        }

        private static void check(int status, String what) {
            if (status != mkl_rt.SPARSE_STATUS_SUCCESS) {
                throw new IllegalStateException(what + " failed with MKL sparse status " + status);
            }
        }

        private void releasePadding() {
            if (xPad != null) {
                xPad.close();
                yPad.close();
                xPad = null;
                yPad = null;
            }
        }

        @Override
        void release() {
            if (!empty) {
                mkl_rt.mkl_sparse_destroy(handle);
            }
            releasePadding();
            descr.close();
            values.close();
            colIdx.close();
            rowPtr.close();
        }
    }
}
