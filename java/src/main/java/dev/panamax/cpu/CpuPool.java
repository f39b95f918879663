package dev.panamax.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU backend's worker threads ({@code panamax.cpu.threads}, default: available processors)
 * and its parallel loop. Ranges are cut into chunks that depend only on the range and the grain,
 * never on timing, and each output is written by exactly one chunk, so results are deterministic.
 */
public final class CpuPool {
    /** The body of a parallel loop over [lo, hi). */
    @FunctionalInterface
    public interface RangeBody {
        void run(long lo, long hi);
    }

    private final ForkJoinPool pool;
    private final int threads;

    CpuPool(int threads) {
        this.threads = threads;
        AtomicInteger ids = new AtomicInteger();
        this.pool = new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("panamax-cpu-" + ids.getAndIncrement());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over [0, n) in chunks of at least {@code grain} items, spread over the
     * workers; returns when every chunk is done. Runs inline when one chunk covers it.
     */
    public void forRange(long n, long grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        long g = Math.max(1, grain);
        // At most 4 chunks per thread, and none smaller than the grain.
        long chunk = Math.max(g, Math.ceilDiv(n, 4L * threads));
        if (threads == 1 || chunk >= n) {
            body.run(0, n);
            return;
        }
        RangeTask task = new RangeTask(body, 0, n, chunk);
        if (currentPool() == pool) {
            task.invoke();
        } else {
            pool.invoke(task);
        }
    }

    private static ForkJoinPool currentPool() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w ? w.getPool() : null;
    }

    private static final class RangeTask extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient RangeBody body;
        private final long lo;
        private final long hi;
        private final long chunk;

        RangeTask(RangeBody body, long lo, long hi, long chunk) {
            this.body = body;
            this.lo = lo;
            this.hi = hi;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            long chunks = Math.ceilDiv(hi - lo, chunk);
            if (chunks <= 1) {
                body.run(lo, hi);
                return;
            }
            long mid = lo + (chunks / 2) * chunk;
            invokeAll(new RangeTask(body, lo, mid, chunk), new RangeTask(body, mid, hi, chunk));
        }
    }
}
