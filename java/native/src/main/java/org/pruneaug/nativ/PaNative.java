package org.pruneaug.nativ;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Raw JavaCPP binding of libpruneaug's C API (native/include/pruneaug/*.h), one Java method per C
 * function. Nothing here checks arguments: use {@link BsrMatrix}, {@link Kernels} and
 * {@link PreparedBsr}, which validate before they cross into native code.
 */
@Platform(include = {"pruneaug/status.h", "pruneaug/bsr.h", "pruneaug/bsrmm.h", "pruneaug/grid.h", "pruneaug/memory.h"}, link = "pruneaug")
public final class PaNative {
    static {
        Loader.load();
    }

    private PaNative() {
    }

    public static final int PA_OK = 0;
    public static final int PA_ERR_INVALID_ARG = 1;
    public static final int PA_ERR_BAD_STRUCTURE = 2;
    public static final int PA_ERR_UNSUPPORTED = 3;
    public static final int PA_ERR_NO_DEVICE = 4;
    public static final int PA_ERR_OUT_OF_MEMORY = 5;
    public static final int PA_ERR_CAPACITY = 6;
    public static final int PA_ERR_INTERNAL = 7;

    public static final int PA_ACT_NONE = 0;
    public static final int PA_ACT_RELU = 1;

    /** {@code pa_bsr_f32}: a view of BSR arrays; the arrays stay owned by the caller. */
    @Name("pa_bsr_f32")
    public static class BsrF32 extends Pointer {
        static {
            Loader.load();
        }

        public BsrF32() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native int m();

        public native BsrF32 m(int m);

        public native int k();

        public native BsrF32 k(int k);

        public native int br();

        public native BsrF32 br(int br);

        public native int bc();

        public native BsrF32 bc(int bc);

        public native int nnzb();

        public native BsrF32 nnzb(int nnzb);

        @Cast("const int32_t*")
        public native IntPointer row_ptr();

        public native BsrF32 row_ptr(@Cast("const int32_t*") IntPointer rowPtr);

        @Cast("const int32_t*")
        public native IntPointer col_idx();

        public native BsrF32 col_idx(@Cast("const int32_t*") IntPointer colIdx);

        @Cast("const float*")
        public native FloatPointer values();

        public native BsrF32 values(@Cast("const float*") FloatPointer values);
    }

    // memory.h
    public static native Pointer pa_alloc(@Cast("size_t") long bytes);

    public static native void pa_free(Pointer p);

    // status.h
    @Cast("const char*")
    public static native BytePointer pa_status_string(int status);

    @Cast("const char*")
    public static native BytePointer pa_last_error();

    // bsr.h
    public static native int pa_bsr_validate(@Const BsrF32 w);

    public static native int pa_bsr_count_blocks(int m, int k, int br, int bc, @Const FloatPointer w, int ldw,
            @Cast("const uint8_t*") BytePointer keep, int ldkeep, IntPointer nnzbOut);

    public static native int pa_bsr_from_dense(int m, int k, int br, int bc, @Const FloatPointer w, int ldw,
            @Cast("const uint8_t*") BytePointer keep, int ldkeep, IntPointer rowPtr, IntPointer colIdx,
            FloatPointer values, int capacityBlocks, IntPointer nnzbOut);

    public static native int pa_bsr_to_dense(@Const BsrF32 w, FloatPointer out, int ldw);

    // bsrmm.h
    public static native int pa_kernel_count();

    @Cast("const char*")
    public static native BytePointer pa_kernel_name(int kernel);

    @Cast("const char*")
    public static native BytePointer pa_kernel_isa(int kernel);

    public static native int pa_kernel_block_rows(int kernel);

    public static native int pa_kernel_block_cols(int kernel);

    public static native int pa_kernel_available(int kernel);

    public static native int pa_kernel_find(String isa, int br, int bc);

    @Cast("const char*")
    public static native BytePointer pa_cpu_best_isa();

    @Cast("const char*")
    public static native BytePointer pa_cpu_features();

    public static native int pa_f32_bsrmm(int kernel, @Const BsrF32 w, int n, @Const FloatPointer x, int ldx,
            FloatPointer y, int ldy, @Const FloatPointer bias, int act, int threads);

    /** {@code pa_grid}: geometry of a grid activation tensor (pruneaug/grid.h). */
    @Name("pa_grid")
    public static class GridF32 extends Pointer {
        static {
            Loader.load();
        }

        public GridF32() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        public native int c();

        public native GridF32 c(int c);

        public native int b();

        public native GridF32 b(int b);

        public native int h();

        public native GridF32 h(int h);

        public native int w();

        public native GridF32 w(int w);

        public native int pad();

        public native GridF32 pad(int pad);

        public native long ldc();

        public native GridF32 ldc(long ldc);
    }

    public static native int pa_f32_bsrmm_rows(int kernel, @Const BsrF32 w, int n, @Const FloatPointer x,
            @Cast("const int64_t*") LongPointer xRowOffsets, FloatPointer y, int ldy, @Const FloatPointer bias, int act,
            int threads);

    // grid.h
    public static native long pa_grid_min_ldc(int b, int h, int w, int pad);

    public static native long pa_grid_origin(@Const GridF32 g);

    public static native int pa_grid_conv_row_offsets(@Const GridF32 g, int kh, int kw,
            @Cast("int64_t*") LongPointer offsets);

    public static native int pa_f32_grid_from_nchw(@Const FloatPointer src, @Const GridF32 g, FloatPointer dst, int threads);

    public static native int pa_f32_grid_zero_padding(@Const GridF32 g, FloatPointer data, int threads);

    public static native int pa_f32_grid_maxpool(@Const GridF32 in, @Const FloatPointer x, int kh, int kw, int sh, int sw,
            @Const GridF32 out, FloatPointer y, int threads);

    public static native int pa_f32_grid_maxpool_isa(@Cast("const char*") BytePointer isa, @Const GridF32 in,
            @Const FloatPointer x, int kh, int kw, int sh, int sw, @Const GridF32 out, FloatPointer y, int threads);

    @Cast("const char*")
    public static native BytePointer pa_f32_grid_maxpool_kernel(String isa, int kh, int kw, int sh, int sw);

    public static native int pa_f32_grid_conv3x3_maxpool2x2(@Const GridF32 in, @Const FloatPointer x, @Const FloatPointer w,
            @Const FloatPointer bias, int act, @Const GridF32 out, FloatPointer y, int threads);

    public static native int pa_f32_grid_conv3x3_maxpool2x2_fast();

    public static native int pa_f32_grid_im2col(@Const GridF32 in, @Const FloatPointer x, int kh, int kw, int sh, int sw,
            int padTop, int padLeft, int oh, int ow, FloatPointer cols, long ldcols, int threads);

    public static native int pa_f32_grid_from_rows(@Const FloatPointer src, long ld, @Const GridF32 g, FloatPointer dst,
            int threads);

    public static native int pa_f32_bias_act(int m, int n, FloatPointer y, long ldy, @Const FloatPointer bias, int act,
            int threads);

    public static native int pa_f32_grid_flatten(@Const GridF32 g, @Const FloatPointer x, FloatPointer dst, long ld,
            int threads);
}
