package dev.panamax;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, signature by signature: each is referenced with its exact parameter and result types
 * (so that a rename or a changed type breaks the build), then used once on a tiny input whose
 * answer is known by hand.
 */
class ApiContractTest {

    /** Functional shapes for the signatures that no standard interface fits. */
    interface Gemm {
        void run(float alpha, Tensor a, boolean transA, Tensor b, boolean transB, float beta, Tensor c);
    }

    interface Attention {
        Tensor run(Tensor q, Tensor k, Tensor v, boolean causal);
    }

    interface ScaledAttention {
        Tensor run(Tensor q, Tensor k, Tensor v, boolean causal, float scale);
    }

    interface Gating {
        Routing run(Tensor logits, int k, boolean renormalize);
    }

    interface AttentionInto {
        void run(Tensor q, Tensor k, Tensor v, boolean causal, Tensor out);
    }

    interface LengthsAttention {
        Tensor run(Tensor q, Tensor k, Tensor v, boolean causal, float scale, Tensor kvLengths);
    }

    interface LengthsAttentionInto {
        void run(Tensor q, Tensor k, Tensor v, boolean causal, float scale, Tensor kvLengths, Tensor out);
    }

    interface TopKOp {
        TopK run(Tensor x, int k);
    }

    interface Into {
        void run(Tensor x, Tensor out);
    }

    interface Make<A> {
        Tensor run(A data, long... shape);
    }

    interface MakeRaw {
        Tensor run(MemorySegment host, DType dtype, long... shape);
    }

    interface Zeros {
        Tensor run(DType dtype, long... shape);
    }

    interface Reshape {
        Tensor run(Tensor t, long... shape);
    }

    interface Slice {
        Tensor run(Tensor t, long start, long end);
    }

    @Test
    void signaturesCompile() {
        Supplier<Device> cpu = Device::cpu;
        Function<String, Device> open = Device::open;
        Supplier<Device> best = Device::best;
        Supplier<List<String>> available = Device::available;
        Function<Device, String> spec = Device::spec;
        Function<Device, String> name = Device::name;
        Function<Device, Backend> backend = Device::backend;
        Function<Device, Zeros> zeros = d -> d::zeros;
        Function<Device, Make<float[]>> fromFloats = d -> d::tensor;
        Function<Device, Make<int[]>> fromInts = d -> d::tensor;
        Function<Device, MakeRaw> fromHost = d -> d::tensor;
        Function<Device, Runnable> synchronize = d -> d::synchronize;
        Function<Device, Runnable> closeDevice = d -> d::close;

        Function<Tensor, Device> device = Tensor::device;
        Function<Tensor, DType> dtype = Tensor::dtype;
        Function<Tensor, long[]> shape = Tensor::shape;
        Function<Tensor, Long> size = Tensor::size;
        Function<Tensor, float[]> toFloatArray = Tensor::toFloatArray;
        Function<Tensor, int[]> toIntArray = Tensor::toIntArray;
        BiFunction<Tensor, MemorySegment, Runnable> copyTo = (t, h) -> () -> t.copyTo(h);
        BiFunction<Tensor, MemorySegment, Runnable> copyFrom = (t, h) -> () -> t.copyFrom(h);
        BiFunction<Tensor, Device, Tensor> toDevice = Tensor::to;
        BiFunction<Tensor, DType, Tensor> toDtype = Tensor::to;
        Function<Tensor, Runnable> closeTensor = t -> t::close;
        BiFunction<Tensor, Tensor, Runnable> copyFromTensor = (t, src) -> () -> t.copyFrom(src);
        Reshape reshape = Tensor::reshape;
        Slice slice = Tensor::slice;

        BiFunction<Tensor, Tensor, Routing> routing = Routing::new;
        Function<Routing, Tensor> weights = Routing::weights;
        Function<Routing, Tensor> experts = Routing::experts;
        BiFunction<Tensor, Tensor, TopK> topK = TopK::new;
        Function<TopK, Tensor> values = TopK::values;
        Function<TopK, Tensor> indices = TopK::indices;

        Gemm gemm = Ops::gemm;
        BiFunction<Tensor, Tensor, Tensor> matmul = Ops::matmul;
        Function<Tensor, Tensor> softmax = Ops::softmax;
        Into softmaxInto = Ops::softmax;
        Attention attention = Ops::attention;
        ScaledAttention scaled = Ops::attention;
        AttentionInto attentionInto = Ops::attention;
        LengthsAttention lengths = Ops::attention;
        LengthsAttentionInto lengthsInto = Ops::attention;
        Gating gating = Ops::topKGating;
        TopKOp topKOp = Ops::topK;

        Function<DType, Integer> byteSize = DType::byteSize;
        assertEquals(List.of(DType.F32, DType.F16, DType.BF16, DType.I32, DType.I8), List.of(DType.values()));
        assertEquals(List.of(4, 2, 2, 4, 1), List.of(DType.values()).stream().map(byteSize).toList());
        assertEquals(List.of(Backend.CPU, Backend.OPENCL, Backend.CUDA), List.of(Backend.values()));

        AutoCloseable[] closeables = {Device.cpu(), Device.cpu().zeros(DType.F32, 1), new Routing(null, null), new TopK(null, null)};
        assertEquals(4, closeables.length);
        RuntimeException[] exceptions = {new DeviceException("x"), new DeviceOutOfMemoryException("x"), new DeviceUnavailableException("x")};
        assertTrue(DeviceException.class.isAssignableFrom(DeviceOutOfMemoryException.class));
        assertTrue(DeviceException.class.isAssignableFrom(DeviceUnavailableException.class));
        assertEquals(3, exceptions.length);
        ((Tensor) closeables[1]).close();
        Object[] all = {cpu, open, best, available, spec, name, backend, zeros, fromFloats, fromInts, fromHost, synchronize,
            closeDevice, device, dtype, shape, size, toFloatArray, toIntArray, copyTo, copyFrom, toDevice, toDtype, closeTensor,
            copyFromTensor, reshape, slice,
            routing, weights, experts, topK, values, indices, gemm, matmul, softmax, softmaxInto, attention, scaled, gating, topKOp,
            attentionInto, lengths, lengthsInto};
        for (Object o : all) {
            assertTrue(o != null);
        }
    }

    @Test
    void opsMeanWhatTheySay() {
        Device cpu = Device.cpu();
        // c = 2 * a @ b + 1 * c with a [2, 3], b [3, 2]
        try (Tensor a = cpu.tensor(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
             Tensor b = cpu.tensor(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
             Tensor c = cpu.tensor(new float[] {10, 20, 30, 40}, 2, 2)) {
            Ops.gemm(2, a, false, b, false, 1, c);
            assertArrayEquals(new float[] {18, 30, 50, 62}, c.toFloatArray());
            // transA: a stored [3, 2] is op(a) = its transpose
            Ops.gemm(1, b, true, b, false, 0, c);
            assertArrayEquals(new float[] {2, 1, 1, 2}, c.toFloatArray());
            try (Tensor m = Ops.matmul(a, b)) {
                assertArrayEquals(new long[] {2, 2}, m.shape());
                assertArrayEquals(new float[] {4, 5, 10, 11}, m.toFloatArray());
            }
        }
        try (Tensor x = cpu.tensor(new float[] {0, (float) Math.log(3), Float.NEGATIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 2, 3);
             Tensor p = Ops.softmax(x)) {
            assertArrayEquals(new float[] {0.25f, 0.75f, 0, 0, 0, 0}, p.toFloatArray(), 1e-6f);
            Ops.softmax(x, x);
            assertArrayEquals(p.toFloatArray(), x.toFloatArray(), 1e-6f, "softmax(x, x)");
        }
        // attention: one query, keys [1, 0] and [0, 1], scale 1, q = [ln 3, 0]: weights 3/4, 1/4 over v rows
        try (Tensor q = cpu.tensor(new float[] {(float) Math.log(3), 0}, 1, 1, 1, 2);
             Tensor k = cpu.tensor(new float[] {1, 0, 0, 1}, 1, 1, 2, 2);
             Tensor v = cpu.tensor(new float[] {4, 8, 0, 4}, 1, 1, 2, 2);
             Tensor o = Ops.attention(q, k, v, false, 1f);
             Tensor causal = Ops.attention(q, k, v, true, 1f)) {
            assertArrayEquals(new float[] {3, 7}, o.toFloatArray(), 1e-5f);
            // Sq = 1, Skv = 2: query 0 sees keys j <= 0 + (2 - 1), both of them
            assertArrayEquals(new float[] {3, 7}, causal.toFloatArray(), 1e-5f);
            // kvLengths [1]: only key 0 counts, so the output is v's row 0; [0]: no key, zeros
            try (Tensor one = cpu.tensor(new int[] {1}, 1); Tensor none = cpu.tensor(new int[] {0}, 1);
                 Tensor first = Ops.attention(q, k, v, false, 1f, one); Tensor out = cpu.zeros(DType.F32, 1, 1, 1, 2)) {
                assertArrayEquals(new float[] {4, 8}, first.toFloatArray(), 1e-6f);
                Ops.attention(q, k, v, true, 1f, none, out);
                assertArrayEquals(new float[] {0, 0}, out.toFloatArray());
                Ops.attention(q, k, v, false, out); // scale 1/sqrt(2)
                double w0 = Math.exp(Math.log(3) / Math.sqrt(2)), w1 = 1;
                assertArrayEquals(new float[] {(float) (4 * w0 / (w0 + w1)), (float) ((8 * w0 + 4) / (w0 + w1))},
                        out.toFloatArray(), 1e-5f);
            }
        }
        try (Tensor logits = cpu.tensor(new float[] {0, 2, 2, 1}, 1, 4);
             Routing r = Ops.topKGating(logits, 2, true)) {
            assertArrayEquals(new int[] {1, 2}, r.experts().toIntArray(), "ties go to the lower index");
            assertArrayEquals(new float[] {0.5f, 0.5f}, r.weights().toFloatArray(), 1e-6f);
        }
        try (Tensor x = cpu.tensor(new float[] {3, Float.NaN, 7, 7, -1}, 5); TopK t = Ops.topK(x, 3)) {
            assertArrayEquals(new int[] {1, 2, 3}, t.indices().toIntArray(), "NaN first, then 7 at 2 before 7 at 3");
            float[] v = t.values().toFloatArray();
            assertTrue(Float.isNaN(v[0]) && v[1] == 7 && v[2] == 7);
        }
    }

    @Test
    void tensorsMeanWhatTheySay() {
        Device cpu = Device.cpu();
        try (Tensor t = cpu.tensor(new float[] {1.5f, -2, 3}, 3);
             Tensor h = t.to(DType.F16);
             Tensor i = cpu.tensor(new int[] {7, -8}, 2, 1)) {
            assertSame(cpu, t.device());
            assertEquals(DType.F32, t.dtype());
            assertEquals(3, t.size());
            assertEquals(DType.F16, h.dtype());
            assertArrayEquals(new float[] {1.5f, -2, 3}, h.toFloatArray());
            assertArrayEquals(new int[] {7, -8}, i.toIntArray());
            assertArrayEquals(new long[] {2, 1}, i.shape());
            MemorySegment raw = MemorySegment.ofArray(new short[3]);
            h.copyTo(raw);
            assertEquals(Float.floatToFloat16(-2), raw.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, 1));
        }
        // views: rows 1..2 of [3, 2], reshaped; a write through the view shows in the base
        try (Tensor t = cpu.tensor(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
             Tensor rows = t.slice(1, 3);
             Tensor flat = rows.reshape(-1);
             Tensor ones = cpu.tensor(new float[] {9, 9, 9, 9}, 4)) {
            assertArrayEquals(new long[] {2, 2}, rows.shape());
            assertArrayEquals(new float[] {3, 4, 5, 6}, flat.toFloatArray());
            flat.copyFrom(ones);
            assertArrayEquals(new float[] {1, 2, 9, 9, 9, 9}, t.toFloatArray());
        }
    }
}
