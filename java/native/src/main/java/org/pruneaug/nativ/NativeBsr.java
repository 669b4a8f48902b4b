package org.pruneaug.nativ;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * An off-heap copy of a {@link BsrMatrix} plus the {@code pa_bsr_f32} view over it, which is what
 * every native entry point takes. Owns its memory until closed.
 */
final class NativeBsr implements AutoCloseable {
    private final IntPointer rowPtr;
    private final IntPointer colIdx;
    private final FloatPointer values;
    private final PaNative.BsrF32 view;

    NativeBsr(BsrMatrix w) {
        rowPtr = new IntPointer(w.rowPtrArray());
        // a zero-length allocation may come back as a NULL address, which the validator rejects when
        // nnzb > 0 only, but keep one slot so every pointer of an empty weight is still valid
        colIdx = w.nnzb() == 0 ? new IntPointer(1) : new IntPointer(w.colIdxArray());
        values = OffHeap.alignedCopy(w.valuesArray());
        view = new PaNative.BsrF32()
                .m(w.rows()).k(w.cols()).br(w.block().rows()).bc(w.block().cols()).nnzb(w.nnzb())
                .row_ptr(rowPtr).col_idx(colIdx).values(values);
    }

    PaNative.BsrF32 view() {
        return view;
    }

    @Override
    public void close() {
        view.close();
        values.close();
        colIdx.close();
        rowPtr.close();
    }
}
