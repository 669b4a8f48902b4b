package org.pruneaug.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

class LaneCrewTest {
    private final LaneCrew crew = new LaneCrew();

    /** Runs 1 + others tasks, each recording its thread and counting its runs. */
    private void pass(int others, AtomicIntegerArray runs, AtomicReferenceArray<Thread> where) {
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 1; i <= others; i++) {
            int id = i;
            tasks.add(() -> {
                runs.incrementAndGet(id);
                where.set(id, Thread.currentThread());
            });
        }
        crew.run(() -> {
            runs.incrementAndGet(0);
            where.set(0, Thread.currentThread());
        }, tasks);
    }

    @Test
    void everyTaskRunsOncePerPassTheCallersOnTheCallerTheOthersOnTheirOwnThreads() {
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        AtomicReferenceArray<Thread> where = new AtomicReferenceArray<>(4);
        for (int pass = 1; pass <= 500; pass++) {
            pass(3, runs, where);
            for (int i = 0; i < 4; i++) {
                assertEquals(pass, runs.get(i), "task " + i + " after pass " + pass);
            }
        }
        assertSame(Thread.currentThread(), where.get(0));
        for (int i = 1; i < 4; i++) {
            assertNotSame(Thread.currentThread(), where.get(i));
            for (int j = i + 1; j < 4; j++) {
                assertNotSame(where.get(i), where.get(j));
            }
        }
    }

    @Test
    void parkedWorkersWakeUpForTheNextPass() throws InterruptedException {
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        AtomicReferenceArray<Thread> where = new AtomicReferenceArray<>(3);
        pass(2, runs, where);
        Thread.sleep((LaneCrew.SPIN_NS + LaneCrew.YIELD_NS) / 1_000_000 + 50); // past spinning and yielding
        pass(2, runs, where);
        pass(1, runs, where);
        assertEquals(3, runs.get(0));
        assertEquals(3, runs.get(1));
        assertEquals(2, runs.get(2));
    }

    @Test
    void aWorkersFailureReachesTheCallerAndTheCrewGoesOn() {
        IllegalStateException boom = new IllegalStateException("lane 1 failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> crew.run(() -> { }, List.of(() -> {
                    throw boom;
                })));
        assertSame(boom, thrown);
        AtomicIntegerArray runs = new AtomicIntegerArray(2);
        pass(1, runs, new AtomicReferenceArray<>(2));
        assertEquals(1, runs.get(1));
    }
}
