package org.pruneaug.nativ;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.junit.jupiter.api.Test;
import org.pruneaug.core.BlockShape;

/** {@link PreparedBsr#runRows}: X rows by offset give the plain result, and bad offsets are refused. */
class RowOffsetsTest {
    @Test
    void gatheredRowsGiveThePlainResultAndBadOffsetsAreRefused() {
        BlockShape block = new BlockShape(4, 2);
        int m = 9;
        int k = 7;
        int n = 13;
        Random r = new Random(3);
        BsrMatrix w = BsrMatrix.random(m, k, block, 0.6, r);
        float[] x = new float[k * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        Kernel kernel = Kernels.find("auto", block).orElseThrow();
        try (PreparedBsr p = PreparedBsr.prepare(w, kernel)) {
            float[] plain = p.run(x, n, null, true, 2);
            // rows stored in reverse order, the origin in the middle of the buffer
            int stride = n + 3;
            float[] buffer = new float[k * stride];
            long[] off = new long[k];
            int origin = (k / 2) * stride;
            for (int row = 0; row < k; row++) {
                int at = (k - 1 - row) * stride;
                System.arraycopy(x, row * n, buffer, at, n);
                off[row] = at - origin;
            }
            try (FloatPointer buf = new FloatPointer(buffer); FloatPointer xo = new FloatPointer(buf);
                    LongPointer offsets = new LongPointer(off); FloatPointer y = new FloatPointer((long) m * n)) {
                xo.position(origin);
                p.runRows(xo, offsets, y, n, n, null, true, 2);
                float[] got = new float[m * n];
                y.get(got);
                assertArrayEquals(plain, got, 1e-5f);

                long[] before = off.clone();
                before[0] = -origin - 1; // one float before the buffer
                try (LongPointer bad = new LongPointer(before)) {
                    assertThrows(IllegalArgumentException.class, () -> p.runRows(xo, bad, y, n, n, null, true, 2));
                }
                long[] after = off.clone();
                after[1] = buffer.length - origin - n + 1; // the row ends one float past the buffer
                try (LongPointer bad = new LongPointer(after)) {
                    assertThrows(IllegalArgumentException.class, () -> p.runRows(xo, bad, y, n, n, null, true, 2));
                }
                try (LongPointer shortList = new LongPointer(new long[k - 1])) {
                    assertThrows(IllegalArgumentException.class, () -> p.runRows(xo, shortList, y, n, n, null, true, 2));
                }
            }
        }
    }
}
