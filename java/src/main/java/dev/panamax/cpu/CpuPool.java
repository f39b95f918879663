package dev.panamax.cpu;

import dev.panamax.internal.Config;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CPU backend's threads ({@code panamax.cpu.threads}, default: available processors) and its
 * parallel loop. Ranges are cut into chunks that depend only on the range and the grain, never on
 * timing, and each output is written by exactly one chunk, so results are deterministic.
 *
 * <p>The thread that calls {@link #forRange} is one of the {@code threads}: it takes chunks
 * itself, next to {@code threads - 1} workers of the pool. A worker that finds no work spins for
 * {@code panamax.cpu.spin} microseconds (default {@value #DEFAULT_SPIN_MICROS}) before it parks,
 * so the ops of a forward pass, which follow each other within microseconds, find it awake; an op
 * too small to share is done by the caller before a parked worker could start. Measured on a
 * 2-core VM before this pool (a {@code ForkJoinPool} the caller handed every chunk to and waited
 * on): an add of [16, 384] took 12 us against 0.9 us on one thread, a GELU 66 against 5.5 us.
 *
 * <p>One loop runs at a time. A loop started from inside a chunk (a kernel that calls another),
 * or from a second application thread while the pool is busy, runs its chunks one after another
 * on the calling thread: the same chunks, so the same results.
 */
public final class CpuPool {
    /** The body of a parallel loop over [lo, hi). */
    @FunctionalInterface
    public interface RangeBody {
        void run(long lo, long hi);
    }

    static final int DEFAULT_SPIN_MICROS = 100;

    /** How long the caller spins for the last chunks before it parks. */
    private static final long CALLER_SPIN_NANOS = 50_000;

    private static final ThreadLocal<Boolean> IN_CHUNK = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private static final Cleaner CLEANER = Cleaner.create();

    private final int threads;
    private final Shared shared;
    private final ReentrantLock busy = new ReentrantLock();

    CpuPool(int threads) {
        this(threads, 1000L * Config.nonNegativeInt("panamax.cpu.spin", null, DEFAULT_SPIN_MICROS));
    }

    CpuPool(int threads, long spinNanos) {
        this.threads = threads;
        this.shared = new Shared(spinNanos, threads - 1);
        for (int i = 0; i < shared.workers.length; i++) {
            Worker w = new Worker(shared);
            w.thread = Thread.ofPlatform().name("panamax-cpu-" + i).daemon(true).unstarted(w);
            shared.workers[i] = w;
        }
        for (Worker w : shared.workers) {
            w.thread.start();
        }
        if (shared.workers.length > 0) {
            CLEANER.register(this, shared::stop); // the workers see only Shared: an unreachable pool stops them
        }
    }

    public int threads() {
        return threads;
    }

    /** The worker threads (for tests). */
    java.util.List<Thread> workerThreads() {
        return java.util.Arrays.stream(shared.workers).map(w -> w.thread).toList();
    }

    /**
     * Runs {@code body} over [0, n) in chunks of at least {@code grain} items, spread over the
     * threads; returns when every chunk is done, rethrowing the first failure of a chunk. Runs
     * inline when one chunk covers it.
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
        if (IN_CHUNK.get() || !busy.tryLock()) {
            for (long lo = 0; lo < n; lo += chunk) {
                body.run(lo, Math.min(n, lo + chunk));
            }
            return;
        }
        try {
            Job previous = shared.job;
            Job j = new Job(body, n, chunk, previous == null ? 1 : previous.generation + 1);
            shared.job = j;
            for (Worker w : shared.workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
            j.work();
            j.awaitDone();
            j.body = null;
            if (j.failure != null) {
                rethrow(j.failure);
            }
        } finally {
            busy.unlock();
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** One parallel loop: its chunks are claimed by index, and counted down as they finish. */
    private static final class Job {
        /** Dropped once the loop is done: a lambda of the caller may hold the pool, which must stay collectable. */
        RangeBody body;
        final long n;
        final long chunk;
        final long chunks;
        final long generation;
        final AtomicLong next = new AtomicLong();
        final AtomicLong pending;
        final Thread caller = Thread.currentThread();
        volatile boolean callerParked;
        volatile Throwable failure;

        Job(RangeBody body, long n, long chunk, long generation) {
            this.body = body;
            this.n = n;
            this.chunk = chunk;
            this.chunks = Math.ceilDiv(n, chunk);
            this.generation = generation;
            this.pending = new AtomicLong(chunks);
        }

        /** Takes chunks until none is left. */
        void work() {
            IN_CHUNK.set(Boolean.TRUE);
            try {
                for (long c; (c = next.getAndIncrement()) < chunks; ) {
                    try {
                        if (failure == null) {
                            long lo = c * chunk;
                            body.run(lo, Math.min(n, lo + chunk));
                        }
                    } catch (Throwable t) {
                        synchronized (this) {
                            if (failure == null) {
                                failure = t;
                            }
                        }
                    } finally {
                        if (pending.decrementAndGet() == 0 && callerParked) {
                            LockSupport.unpark(caller);
                        }
                    }
                }
            } finally {
                IN_CHUNK.set(Boolean.FALSE);
            }
        }

        /** The caller, once no chunk is left to claim: waits for those still running. */
        void awaitDone() {
            long start = System.nanoTime();
            while (pending.get() != 0) {
                if (System.nanoTime() - start < CALLER_SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                callerParked = true;
                if (pending.get() != 0) {
                    LockSupport.park(this);
                }
                callerParked = false;
            }
        }
    }

    /** What the workers share with the pool, without a reference to it. */
    private static final class Shared {
        final long spinNanos;
        final Worker[] workers;
        /** The current loop; its generation tells the workers that it is new. */
        volatile Job job;
        volatile boolean stopped;

        Shared(long spinNanos, int workers) {
            this.spinNanos = spinNanos;
            this.workers = new Worker[workers];
        }

        void stop() {
            stopped = true;
            for (Worker w : workers) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    private static final class Worker implements Runnable {
        private final Shared shared;
        Thread thread;
        volatile boolean parked;

        Worker(Shared shared) {
            this.shared = shared;
        }

        @Override
        public void run() {
            long seen = 0;
            for (Job j; (j = awaitJob(seen)) != null; ) {
                seen = j.generation;
                j.work();
            }
        }

        /** Spins for a new loop, then parks until one is published; null once the pool is gone. */
        private Job awaitJob(long seen) {
            long start = System.nanoTime();
            while (!shared.stopped) {
                Job j = shared.job;
                if (j != null && j.generation != seen) {
                    return j;
                }
                if (System.nanoTime() - start < shared.spinNanos) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                j = shared.job;
                if (!shared.stopped && (j == null || j.generation == seen)) {
                    LockSupport.park(this);
                }
                parked = false;
                start = System.nanoTime();
            }
            return null;
        }
    }
}
