package dev.panamax.cpu;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuPoolTest {
    /** Every index once, in chunks at multiples of max(grain, ceil(n / (4 threads))): the same for any timing. */
    @Test
    void coversEveryIndexOnceInChunksThatDependOnlyOnTheRangeAndGrain() {
        for (long spin : new long[] {0, 100_000}) {
            CpuPool pool = new CpuPool(3, spin);
            for (long[] c : new long[][] {{1000, 7}, {1000, 400}, {13, 1}, {12, 1}, {100_000, 1}, {5, 100}}) {
                long n = c[0], grain = c[1];
                for (int rep = 0; rep < 20; rep++) {
                    AtomicLongArray hits = new AtomicLongArray((int) n);
                    ConcurrentLinkedQueue<long[]> ranges = new ConcurrentLinkedQueue<>();
                    pool.forRange(n, grain, (lo, hi) -> {
                        ranges.add(new long[] {lo, hi});
                        for (long i = lo; i < hi; i++) {
                            hits.incrementAndGet((int) i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), "index " + i + " of " + n);
                    }
                    long chunk = Math.max(grain, Math.ceilDiv(n, 12));
                    assertEquals(Math.ceilDiv(n, chunk), ranges.size(), n + " / " + grain);
                    for (long[] r : ranges) {
                        assertEquals(0, r[0] % chunk);
                        assertEquals(Math.min(n, r[0] + chunk), r[1]);
                    }
                }
            }
        }
    }

    @Test
    void aFailingChunkFailsTheCallAndThePoolGoesOn() {
        CpuPool pool = new CpuPool(2, 100_000);
        IllegalStateException boom = new IllegalStateException("chunk failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> pool.forRange(1000, 1, (lo, hi) -> {
            if (lo <= 500 && 500 < hi) {
                throw boom;
            }
        }));
        assertSame(boom, thrown);
        assertThrows(AssertionError.class, () -> pool.forRange(1000, 1, (lo, hi) -> {
            throw new AssertionError("an error too");
        }));
        AtomicLong sum = new AtomicLong();
        pool.forRange(1000, 1, (lo, hi) -> sum.addAndGet((lo + hi - 1) * (hi - lo) / 2));
        assertEquals(999L * 1000 / 2, sum.get());
    }

    @Test
    void aLoopInsideAChunkRunsItsChunksOnTheCallingThread() {
        CpuPool pool = new CpuPool(2, 100_000);
        AtomicLongArray hits = new AtomicLongArray(64 * 64);
        pool.forRange(64, 1, (lo, hi) -> {
            for (long row = lo; row < hi; row++) {
                long r = row;
                Thread outer = Thread.currentThread();
                pool.forRange(64, 1, (a, b) -> {
                    assertSame(outer, Thread.currentThread());
                    for (long i = a; i < b; i++) {
                        hits.incrementAndGet((int) (r * 64 + i));
                    }
                });
            }
        });
        for (int i = 0; i < hits.length(); i++) {
            assertEquals(1, hits.get(i), "cell " + i);
        }
    }

    @Test
    void callersOnSeveralThreadsEachGetTheirOwnLoopDone() throws InterruptedException {
        CpuPool pool = new CpuPool(2, 100_000);
        Thread[] callers = new Thread[4];
        AtomicLong wrong = new AtomicLong();
        for (int t = 0; t < callers.length; t++) {
            long n = 1000 + 37L * t;
            callers[t] = new Thread(() -> {
                for (int rep = 0; rep < 300; rep++) {
                    AtomicLong sum = new AtomicLong();
                    pool.forRange(n, 3, (lo, hi) -> sum.addAndGet((lo + hi - 1) * (hi - lo) / 2));
                    if (sum.get() != (n - 1) * n / 2) {
                        wrong.incrementAndGet();
                    }
                }
            });
            callers[t].start();
        }
        for (Thread t : callers) {
            t.join(60_000);
            assertFalse(t.isAlive());
        }
        assertEquals(0, wrong.get());
    }

    @Test
    void theWorkersStopOnceThePoolIsUnreachable() throws InterruptedException {
        CpuPool pool = new CpuPool(3, 0);
        pool.forRange(100, 1, (lo, hi) -> { });
        List<Thread> workers = pool.workerThreads();
        assertEquals(2, workers.size());
        assertTrue(workers.stream().allMatch(Thread::isAlive));
        WeakReference<CpuPool> ref = new WeakReference<>(pool);
        pool = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while ((ref.get() != null || workers.stream().anyMatch(Thread::isAlive)) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(ref.get() == null, "the pool was not collected");
        assertFalse(workers.stream().anyMatch(Thread::isAlive), "a worker outlived its pool");
    }
}
