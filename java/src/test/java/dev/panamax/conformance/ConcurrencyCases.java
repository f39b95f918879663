package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Raw;
import dev.panamax.testing.Rounding;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Several threads at once on one device: each runs a mix of ops on tensors of its own and on two
 * input tensors shared by all, and checks every result against the reference. A failure names
 * the thread, the round and the suite's seed (each thread's inputs derive from it).
 */
abstract class ConcurrencyCases extends DeviceCases {
    private static final int THREADS = 6;
    private static final int ROUNDS = 3;

    @Test
    void severalThreadsAtOnce() throws Exception {
        Data data = Data.fresh();
        // shared inputs: a [64, 96] for matmul, x [33, 200] for softmax and conversion
        float[] a = data.normal(64 * 96, 1);
        float[] x = data.normal(33 * 200, 3);
        double[] softmaxRef = Reference64.softmax(x, 33, 200);
        long[] seeds = new long[THREADS];
        for (int t = 0; t < THREADS; t++) {
            seeds[t] = data.random().nextLong();
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        try (Tensor sharedA = device().tensor(a, 64, 96); Tensor sharedX = device().tensor(x, 33, 200)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    Data own = new Data(seeds[id]);
                    start.await();
                    for (int round = 0; round < ROUNDS; round++) {
                        try {
                            mix(id, own, sharedA, a, sharedX, x, softmaxRef);
                        } catch (Throwable e) {
                            throw new AssertionError("thread " + id + ", round " + round + " failed; suite " + data.describe(), e);
                        }
                    }
                    return null;
                }));
            }
            AssertionError failure = null;
            for (Future<?> f : futures) {
                try {
                    f.get(300, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new AssertionError("several threads: " + e.getCause().getMessage(), e.getCause());
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    private void mix(int id, Data own, Tensor sharedA, float[] a, Tensor sharedX, float[] x, double[] softmaxRef) {
        // each thread its own shapes, so that different kernel variants overlap
        int n = 17 + 13 * id;
        GemmSpec.of(33 + id, n, 70 + 31 * id).trans(id % 2 == 0, id % 3 == 0).scale(1, id % 2).check(device(), own);
        float[] b = own.normal(96 * n, 1);
        try (Tensor tb = device().tensor(b, 96, n); Tensor c = Ops.matmul(sharedA, tb)) {
            Check.close("matmul of the shared a", c.toFloatArray(),
                    Reference64.gemm(1, 64, n, 96, 1, a, false, b, false, false, 0, null), Tolerances.accumulate(DType.F32), own);
        }
        try (Tensor s = Ops.softmax(sharedX)) {
            Check.close("softmax of the shared x", s.toFloatArray(), softmaxRef, Tolerances.softmax(DType.F32), own);
        }
        try (Tensor h = sharedX.to(DType.BF16)) {
            int[] bits = Raw.bits(h);
            for (int i = 0; i < x.length; i++) {
                if (bits[i] != Rounding.bf16(x[i])) {
                    throw new AssertionError("BF16 of the shared x at " + i + ": 0x" + Integer.toHexString(bits[i]));
                }
            }
        }
        AttentionSpec.of(1, 4, 2, 20 + id, 50 + 7 * id, 64, id % 2 == 0).check(device(), own);
        GatingSpec.of(100 + id, 64, 1 + id).renormalized().check(device(), own);
        TopKSpec.of(5 + id, 3, 1000 + id).check(device(), own);
    }
}
