package org.pruneaug.inference;

import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.pruneaug.nativ.OffHeap;
import org.pruneaug.nativ.PaNative;

/**
 * The non-GEMM operators of sparse CNN inference (native/include/pruneaug/grid.h), with buffer
 * sizes checked in Java before the native call.
 */
final class GridOps {
    private GridOps() {
    }

    /**
     * The native descriptor of a grid, interned: grids are few distinct immutable values (one per layer
     * shape and batch), and allocating a JavaCPP struct per call cost about 10 us (JavaCPP checks the
     * process's memory on every allocation), more than pooling a micro-batch takes. Never closed.
     */
    private static final ConcurrentHashMap<Grid, PaNative.GridF32> VIEWS = new ConcurrentHashMap<>();

    static PaNative.GridF32 view(Grid g) {
        return VIEWS.computeIfAbsent(g, GridOps::newView);
    }

    private static PaNative.GridF32 newView(Grid g) {
        PaNative.GridF32 v = new PaNative.GridF32();
        v.c(g.channels()).b(g.batch()).h(g.height()).w(g.width()).pad(g.pad()).ldc(g.ldc());
        return v;
    }

    static FloatPointer allocate(Grid g) {
        return zeroed(g.floats());
    }

    /**
     * A zeroed buffer, 64-byte aligned (a grid's channels, ldc a multiple of 16 floats, then all start
     * on a cache line; malloc's 16-byte alignment had every 64-byte vector of a row straddle two lines).
     */
    static FloatPointer zeroed(long floats) {
        return OffHeap.alignedFloats(Math.max(1, floats));
    }

    static void requireGrid(FloatPointer p, Grid g, String what) {
        OffHeap.requireFloats(p, g.floats(), what + " grid " + g);
    }

    /** Row offsets of the implicit GEMM of a stride-1 "same" kh x kw convolution on grid g. */
    static long[] convRowOffsets(Grid g, int kh, int kw) {
        long[] off = new long[g.channels() * kh * kw];
        PaNative.GridF32 v = view(g);
        try (LongPointer p = new LongPointer(off.length)) {
            check(PaNative.pa_grid_conv_row_offsets(v, kh, kw, p), "pa_grid_conv_row_offsets");
            p.get(off);
        }
        return off;
    }

    static void fromNchw(FloatPointer src, Grid g, FloatPointer dst, int threads) {
        OffHeap.requireFloats(src, (long) g.batch() * g.featuresPerImage(), "NCHW input");
        requireGrid(dst, g, "output");
        PaNative.GridF32 v = view(g);
        check(PaNative.pa_f32_grid_from_nchw(src, v, dst, threads), "pa_f32_grid_from_nchw");
    }

    static void zeroPadding(Grid g, FloatPointer data, int threads) {
        requireGrid(data, g, "data");
        PaNative.GridF32 v = view(g);
        check(PaNative.pa_f32_grid_zero_padding(v, data, threads), "pa_f32_grid_zero_padding");
    }

    /** ISA names as native strings, interned like the grid views (pooling runs per micro-batch). Never closed. */
    private static final ConcurrentHashMap<String, BytePointer> ISAS = new ConcurrentHashMap<>();

    /**
     * Max pooling with the pooling code of {@code isa}: "auto" (the best here) or an ISA of the kernel
     * registry, e.g. that of the GEMM kernel that produced the input, so that a platform is timed with
     * its own ISA's code (pruneaug/grid.h).
     */
    static void maxPool(String isa, Grid in, FloatPointer x, int kh, int kw, int sh, int sw, Grid out, FloatPointer y,
            int threads) {
        requireGrid(x, in, "input");
        requireGrid(y, out, "output");
        BytePointer name = ISAS.computeIfAbsent(isa, BytePointer::new);
        check(PaNative.pa_f32_grid_maxpool_isa(name, view(in), x, kh, kw, sh, sw, view(out), y, threads),
                "pa_f32_grid_maxpool_isa");
    }

    /** The name of the code {@link #maxPool} runs for (isa, window, stride) on this CPU. */
    static String maxPoolKernel(String isa, int kh, int kw, int sh, int sw) {
        BytePointer name = PaNative.pa_f32_grid_maxpool_kernel(isa, kh, kw, sh, sw);
        if (name == null || name.isNull()) {
            throw new IllegalArgumentException("unknown ISA '" + isa + "' for pooling");
        }
        return name.getString();
    }

    /**
     * A 3x3 / stride 1 "same" convolution (weights out x in*9 row-major, bias or null), ReLU or not,
     * then 2x2 / stride 2 max pooling, in one pass (pruneaug/grid.h): out is in's pooling.
     */
    static void convPool(Grid in, FloatPointer x, FloatPointer w, FloatPointer bias, boolean relu, Grid out,
            FloatPointer y, int threads) {
        requireGrid(x, in, "input");
        requireGrid(y, out, "output");
        OffHeap.requireFloats(w, (long) out.channels() * in.channels() * 9, "weights");
        check(PaNative.pa_f32_grid_conv3x3_maxpool2x2(view(in), x, w, bias, relu ? PaNative.PA_ACT_RELU : PaNative.PA_ACT_NONE,
                view(out), y, threads), "pa_f32_grid_conv3x3_maxpool2x2");
    }

    /**
     * The ISA of {@link #convPool}'s kernel when {@link #convPoolFast}: AVX-512, its only ISA kernel.
     * The runtime fuses only for a platform whose GEMM kernels are of this ISA (by the kernel
     * registry), so that a cpu-avx2 or cpu-generic platform on an AVX-512 machine is timed with
     * its own kernels.
     */
    static final String CONV_POOL_ISA = "avx512";

    /** Whether this CPU runs {@link #convPool} with an ISA kernel (else the runtime keeps conv and pooling apart). */
    static boolean convPoolFast() {
        return PaNative.pa_f32_grid_conv3x3_maxpool2x2_fast() != 0;
    }

    static void im2col(Grid in, FloatPointer x, int kh, int kw, int sh, int sw, int padTop, int padLeft, int oh,
            int ow, FloatPointer cols, long ldcols, int threads) {
        requireGrid(x, in, "input");
        OffHeap.requireFloats(cols, (long) (in.channels() * kh * kw - 1) * ldcols + (long) in.batch() * oh * ow,
                "im2col matrix");
        PaNative.GridF32 v = view(in);
        check(PaNative.pa_f32_grid_im2col(v, x, kh, kw, sh, sw, padTop, padLeft, oh, ow, cols, ldcols, threads),
                    "pa_f32_grid_im2col");
    }

    static void fromRows(FloatPointer src, long ld, Grid g, FloatPointer dst, int threads) {
        OffHeap.requireFloats(src, (g.channels() - 1) * ld + (long) g.batch() * g.height() * g.width(), "rows");
        requireGrid(dst, g, "output");
        PaNative.GridF32 v = view(g);
        check(PaNative.pa_f32_grid_from_rows(src, ld, v, dst, threads), "pa_f32_grid_from_rows");
    }

    static void flatten(Grid g, FloatPointer x, FloatPointer dst, long ld, int threads) {
        requireGrid(x, g, "input");
        OffHeap.requireFloats(dst, (g.featuresPerImage() - 1L) * ld + g.batch(), "features");
        PaNative.GridF32 v = view(g);
        check(PaNative.pa_f32_grid_flatten(v, x, dst, ld, threads), "pa_f32_grid_flatten");
    }

    static void check(int status, String function) {
        if (status != PaNative.PA_OK) {
            throw new IllegalStateException(function + ": " + string(PaNative.pa_status_string(status)) + ": "
                    + string(PaNative.pa_last_error()));
        }
    }

    private static String string(BytePointer p) {
        return p == null || p.isNull() ? "" : p.getString();
    }
}
