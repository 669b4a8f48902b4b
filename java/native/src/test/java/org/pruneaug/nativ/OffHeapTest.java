package org.pruneaug.nativ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

class OffHeapTest {
    @Test
    void smallBuffersAreAlignedZeroedAndSized() {
        try (FloatPointer p = OffHeap.alignedFloats(100)) {
            assertEquals(0, p.address() % OffHeap.ALIGNMENT);
            assertEquals(0, p.position());
            assertEquals(100, p.limit());
            for (int i = 0; i < 100; i++) {
                assertEquals(0f, p.get(i));
            }
            p.put(99, 7f);
            assertEquals(7f, p.get(99));
        }
    }

    @Test
    void largeBuffersStartOnA2MiBBoundary() {
        long count = 3L << 20; // 12 MiB
        try (FloatPointer p = OffHeap.alignedFloats(count)) {
            assertEquals(0, p.address() % (2L << 20));
            assertEquals(count, p.limit());
            p.put(count - 1, 1f);
            assertEquals(1f, p.get(count - 1));
        }
    }

    @Test
    void copiesHoldTheValues() {
        try (FloatPointer p = OffHeap.alignedCopy(new float[] {1, 2, 3})) {
            assertEquals(3, p.limit());
            assertEquals(2f, p.get(1));
        }
    }

    @Test
    void emptyBuffersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> OffHeap.alignedFloats(0));
    }
}
