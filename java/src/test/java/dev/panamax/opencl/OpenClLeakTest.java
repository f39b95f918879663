package dev.panamax.opencl;

import dev.panamax.Backend;
import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import dev.panamax.internal.Allocation;
import dev.panamax.testing.Data;
import dev.panamax.testing.Garbage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 20,000 op calls leave no OpenCL object behind: buffers (tensors, attention's scratch, and the
 * scratch copies of views at unaligned offsets), the sub-buffers of views at aligned offsets,
 * programs, kernels (pooled per program, so they stop growing after the first calls) and events
 * are counted by the backend and must be where they were after a warm-up; Panamax's own count
 * of live OpenCL allocations must be back to its start.
 */
class OpenClLeakTest extends OpenClDeviceTest {
    private static final int CALLS = 20_000;

    @Test
    void twentyThousandCallsLeaveNothingBehind() {
        Data data = Data.fresh();
        try (Tensor a = device.tensor(data.normal(6 * 5, 1), 6, 5);
             Tensor b = device.tensor(data.normal(5 * 7, 1), 5, 7);
             Tensor x = device.tensor(data.normal(3 * 40, 1), 3, 40);
             Tensor q = device.tensor(data.normal(2 * 3 * 8, 1), 1, 2, 3, 8);
             Tensor kv = device.tensor(data.normal(2 * 20 * 8, 1), 1, 2, 20, 8);
             Tensor big = device.tensor(data.normal(64 * 32, 1), 64, 32);
             Tensor flat = big.reshape(-1)) {
            int perRound = 12;
            round(a, b, x, q, kv, big, flat); // warm-up: builds the programs, fills the kernel pools
            long allocations = Garbage.settle(Backend.OPENCL); // other tests' dropped tensors freed first
            long bytes = Allocation.liveBytes(Backend.OPENCL);
            Map<String, Long> objects = backend().liveObjects();
            for (int i = 0; i < CALLS / perRound; i++) {
                round(a, b, x, q, kv, big, flat);
            }
            device.synchronize();
            assertEquals(allocations, Allocation.liveCount(Backend.OPENCL), "live OpenCL allocations");
            assertEquals(bytes, Allocation.liveBytes(Backend.OPENCL), "live OpenCL bytes");
            assertEquals(objects, backend().liveObjects(), "live OpenCL objects");
        }
    }

    /**
     * Threads launching the same kernels at once each borrow their own kernel object (arguments
     * are per-object state): results stay bit-identical to a lone thread's, and each pool grows
     * to at most the number of threads.
     */
    @Test
    void concurrentLaunchesShareNothingAndPoolsStayBounded() throws Exception {
        Data data = Data.fresh();
        int threads = 4, calls = 300;
        float[] av = data.normal(40 * 30, 1), bv = data.normal(30 * 50, 1);
        try (Tensor a = device.tensor(av, 40, 30); Tensor b = device.tensor(bv, 30, 50); Tensor want = Ops.matmul(a, b)) {
            float[] expected = want.toFloatArray();
            long kernelsBefore = backend().live().kernels.get();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < calls; i++) {
                            try (Tensor c = Ops.matmul(a, b)) {
                                assertArrayEquals(expected, c.toFloatArray(), data.describe());
                            }
                        }
                        return null;
                    }));
                }
                for (var f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            long grown = backend().live().kernels.get() - kernelsBefore;
            assertTrue(grown <= threads - 1, "gemm_tiled pool grew by " + grown);
        }
    }

    /**
     * Twelve op calls, each making and closing its outputs; four on views of {@code big} [64, 32]
     * F32 ({@code flat} is its reshape to [2048]): rows from 1 (128 bytes in, a sub-buffer on
     * PoCL) and elements from 3 (12 bytes in, staged), and a copy between overlapping views.
     */
    @SuppressWarnings("try") // the outputs exist to be made and closed
    private static void round(Tensor a, Tensor b, Tensor x, Tensor q, Tensor kv, Tensor big, Tensor flat) {
        try (Tensor c = Ops.matmul(a, b); Tensor s = Ops.softmax(x);
             Tensor decode = Ops.attention(q, kv, kv, true); // Sq = 3: the split path with its scratch
             Routing r = Ops.topKGating(x, 2, true); TopK t = Ops.topK(x, 5);
             Tensor h = x.to(DType.BF16); Tensor f = h.to(DType.F32);
             Tensor rows = big.slice(1, 9); Tensor shifted = flat.slice(3, 259); Tensor next = flat.slice(4, 260);
             Tensor ofRows = Ops.softmax(rows)) {
            Ops.softmax(s, s);
            Ops.softmax(shifted, shifted);
            Ops.topK(shifted, 2).close();
            next.copyFrom(shifted);
        }
    }
}
