package dev.panamax;

import dev.panamax.internal.DeviceHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad arguments: an {@link IllegalArgumentException} before any work, whose message names the op
 * and the offending shapes, dtypes or values; null arguments: a {@link NullPointerException}.
 * Validation is shared by every backend ({@code Ops}), so the CPU shows it for all. After every
 * rejected call, no tensor was left allocated and gemm's c still holds what it held.
 */
class ValidationTest {
    private Device device;

    @BeforeEach
    void open() {
        device = Device.open("cpu");
    }

    @AfterEach
    void noTensorLeft() {
        int open = ((DeviceHandle) device).openTensorCount();
        device.close();
        assertEquals(0, open, "rejected calls or the test left tensors open");
    }

    /** Asserts {@code call} throws IllegalArgumentException whose message contains every fragment. */
    private static IllegalArgumentException bad(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    private static NullPointerException npe(Executable call, String... fragments) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    private Tensor f32(long... shape) {
        return device.zeros(DType.F32, shape);
    }

    /** A gemm that must be rejected, with c filled with 7 and still 7 afterwards. */
    private void badGemm(long[] aShape, boolean transA, long[] bShape, boolean transB, long[] cShape, String... fragments) {
        try (Tensor a = f32(aShape); Tensor b = f32(bShape); Tensor c = f32(cShape)) {
            float[] sevens = new float[(int) c.size()];
            java.util.Arrays.fill(sevens, 7);
            c.copyFrom(MemorySegment.ofArray(sevens));
            bad(() -> Ops.gemm(1, a, transA, b, transB, 0, c), fragments);
            assertArrayEquals(sevens, c.toFloatArray(), "a rejected gemm must not touch c");
        }
    }

    @Test
    void gemmInnerDimensionsMessageIsExact() {
        try (Tensor a = f32(64, 32); Tensor b = f32(48, 16); Tensor c = f32(64, 16); Tensor at = f32(32, 64); Tensor bt = f32(16, 48)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.gemm(1, a, false, b, false, 0, c));
            assertEquals("gemm: inner dimensions differ: op(a) is [64, 32], op(b) is [48, 16]", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.gemm(1, at, true, bt, true, 0, c));
            assertEquals("gemm: inner dimensions differ: op(a) is [64, 32], op(b) is [48, 16]", e.getMessage(),
                    "the message shows op(a) and op(b), after transposition");
        }
    }

    @Test
    void gemmShapes() {
        badGemm(new long[] {4, 5}, false, new long[] {5, 6}, false, new long[] {4, 7}, "gemm", "[4, 7]", "[4, 6]");
        badGemm(new long[] {4, 5}, false, new long[] {5, 6}, false, new long[] {6, 4}, "gemm", "[6, 4]");
        badGemm(new long[] {5}, false, new long[] {5, 6}, false, new long[] {1, 6}, "gemm", "[5]");
        badGemm(new long[] {1, 1, 4, 5}, false, new long[] {5, 6}, false, new long[] {1, 1, 4, 6}, "gemm", "[1, 1, 4, 5]");
        badGemm(new long[] {4, 5}, false, new long[] {5, 6}, false, new long[] {1, 4, 6}, "gemm", "[4, 5]", "[1, 4, 6]");
        badGemm(new long[] {4, 5}, false, new long[] {2, 5, 6}, false, new long[] {4, 6}, "gemm", "[2, 5, 6]");
        badGemm(new long[] {2, 4, 5}, false, new long[] {5, 6}, false, new long[] {3, 4, 6}, "gemm", "[2, 4, 5]", "[3, 4, 6]");
        badGemm(new long[] {2, 4, 5}, false, new long[] {3, 5, 6}, false, new long[] {2, 4, 6}, "gemm", "[2, 4, 5]", "[3, 5, 6]");
        badGemm(new long[] {4, 5}, true, new long[] {5, 6}, false, new long[] {5, 6}, "gemm", "[5, 4]");
        badGemm(new long[] {4, 5}, false, new long[] {5, 6}, true, new long[] {4, 5}, "gemm", "[4, 5]");
    }

    @Test
    void gemmDtypes() {
        try (Tensor a = f32(4, 5); Tensor b16 = device.zeros(DType.F16, 5, 6); Tensor c = f32(4, 6);
             Tensor ai = device.zeros(DType.I32, 4, 5); Tensor bi = device.zeros(DType.I32, 5, 6);
             Tensor a16 = device.zeros(DType.F16, 4, 5); Tensor cbf = device.zeros(DType.BF16, 4, 6);
             Tensor ci = device.zeros(DType.I32, 4, 6); Tensor b = f32(5, 6)) {
            bad(() -> Ops.gemm(1, a, false, b16, false, 0, c), "gemm", "F32", "F16");
            bad(() -> Ops.gemm(1, ai, false, bi, false, 0, c), "gemm", "I32");
            bad(() -> Ops.gemm(1, a16, false, b16, false, 0, cbf), "gemm", "BF16");
            bad(() -> Ops.gemm(1, a, false, b, false, 0, ci), "gemm", "I32");
        }
        try (Tensor sq = f32(5, 5); Tensor other = f32(5, 5)) {
            bad(() -> Ops.gemm(1, sq, false, other, false, 0, sq), "gemm");
            bad(() -> Ops.gemm(1, other, false, sq, false, 1, sq), "gemm");
        }
    }

    @Test
    void gemmNulls() {
        try (Tensor a = f32(4, 5); Tensor b = f32(5, 6); Tensor c = f32(4, 6)) {
            npe(() -> Ops.gemm(1, null, false, b, false, 0, c), "gemm", "a");
            npe(() -> Ops.gemm(1, a, false, null, false, 0, c), "gemm", "b");
            npe(() -> Ops.gemm(1, a, false, b, false, 0, null), "gemm", "c");
        }
    }

    @Test
    void matmul() {
        try (Tensor a = f32(3, 4); Tensor b = f32(5, 6); Tensor v = f32(4); Tensor a3 = f32(2, 3, 4); Tensor b3 = f32(3, 4, 5);
             Tensor a4 = f32(2, 2, 3, 4); Tensor b16 = device.zeros(DType.F16, 4, 6); Tensor ai = device.zeros(DType.I32, 3, 4);
             Tensor bi = device.zeros(DType.I32, 4, 6)) {
            bad(() -> Ops.matmul(a, b), "matmul", "[3, 4]", "[5, 6]");
            bad(() -> Ops.matmul(v, b), "matmul", "[4]");
            bad(() -> Ops.matmul(a3, b3), "matmul", "[2, 3, 4]", "[3, 4, 5]");
            bad(() -> Ops.matmul(a4, b3), "matmul", "[2, 2, 3, 4]", "[3, 4, 5]");
            bad(() -> Ops.matmul(a, b16), "matmul", "F32", "F16");
            bad(() -> Ops.matmul(ai, bi), "matmul", "I32");
            npe(() -> Ops.matmul(null, b), "matmul", "a");
            npe(() -> Ops.matmul(a, null), "matmul", "b");
        }
    }

    @Test
    void softmax() {
        try (Tensor x = f32(3, 4); Tensor wrongShape = f32(4, 3); Tensor wrongType = device.zeros(DType.F16, 3, 4);
             Tensor xi = device.zeros(DType.I32, 3, 4)) {
            bad(() -> Ops.softmax(xi), "softmax", "I32");
            bad(() -> Ops.softmax(xi, xi), "softmax", "I32");
            bad(() -> Ops.softmax(x, wrongShape), "softmax", "[3, 4]", "[4, 3]");
            bad(() -> Ops.softmax(x, wrongType), "softmax", "F32", "F16");
            npe(() -> Ops.softmax(null), "softmax", "x");
            npe(() -> Ops.softmax(null, x), "softmax", "x");
            npe(() -> Ops.softmax(x, null), "softmax", "out");
        }
    }

    /** Every attention overload rejects the same arguments (with valid lengths [B] and out). */
    private void badAttention(Tensor q, Tensor k, Tensor v, String... fragments) {
        bad(() -> Ops.attention(q, k, v, false), fragments);
        bad(() -> Ops.attention(q, k, v, true, 0.5f), fragments);
        try (Tensor lengths = device.zeros(DType.I32, q.shape()[0]); Tensor out = device.zeros(q.dtype(), q.shape())) {
            bad(() -> Ops.attention(q, k, v, true, 0.5f, lengths), fragments);
            bad(() -> Ops.attention(q, k, v, false, 0.5f, lengths, out), fragments);
            bad(() -> Ops.attention(q, k, v, true, out), fragments);
        }
    }

    @Test
    void attention() {
        try (Tensor q = f32(1, 4, 8, 64); Tensor kv = f32(1, 2, 9, 64); Tensor q3 = f32(4, 8, 64); Tensor kv3 = f32(2, 9, 64);
             Tensor kvOther = f32(1, 2, 10, 64); Tensor kvB = f32(2, 2, 9, 64); Tensor kvD = f32(1, 2, 9, 32);
             Tensor q0 = f32(1, 4, 8, 0); Tensor kv0 = f32(1, 2, 9, 0);
             Tensor q257 = f32(1, 4, 8, 257); Tensor kv257 = f32(1, 2, 9, 257);
             Tensor q3h = f32(1, 3, 8, 64); Tensor kv16 = device.zeros(DType.F16, 1, 2, 9, 64);
             Tensor qi = device.zeros(DType.I32, 1, 4, 8, 64); Tensor kvi = device.zeros(DType.I32, 1, 2, 9, 64)) {
            badAttention(q3, kv3, kv3, "attention", "[4, 8, 64]");
            badAttention(q, kv, kvOther, "attention", "[1, 2, 9, 64]", "[1, 2, 10, 64]");
            badAttention(q, kvB, kvB, "attention", "[1, 4, 8, 64]", "[2, 2, 9, 64]");
            badAttention(q, kvD, kvD, "attention", "[1, 4, 8, 64]", "[1, 2, 9, 32]");
            badAttention(q0, kv0, kv0, "attention", "D", "[1, 4, 8, 0]");
            badAttention(q257, kv257, kv257, "attention", "D", "256", "[1, 4, 8, 257]");
            badAttention(q3h, kv, kv, "attention", "multiple", "[1, 3, 8, 64]", "[1, 2, 9, 64]");
            badAttention(q, kv16, kv16, "attention", "F32", "F16");
            badAttention(qi, kvi, kvi, "attention", "I32");
            for (float scale : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                bad(() -> Ops.attention(q, kv, kv, true, scale), "attention", "scale", Float.toString(scale));
            }
            for (int i = 0; i < 3; i++) {
                Tensor nq = i == 0 ? null : q, nk = i == 1 ? null : kv, nv = i == 2 ? null : kv;
                String name = new String[] {"q", "k", "v"}[i];
                npe(() -> Ops.attention(nq, nk, nv, false), "attention", name);
                npe(() -> Ops.attention(nq, nk, nv, false, 1f), "attention", name);
            }
        }
    }

    @Test
    void attentionLengthsAndOut() {
        try (Tensor q = f32(2, 4, 8, 64); Tensor kv = f32(2, 2, 9, 64); Tensor lengths = device.zeros(DType.I32, 2);
             Tensor lengthsF32 = f32(2); Tensor lengths3 = device.zeros(DType.I32, 3); Tensor lengths2d = device.zeros(DType.I32, 2, 1);
             Tensor out = f32(2, 4, 8, 64); Tensor outShape = f32(2, 4, 9, 64); Tensor out16 = device.zeros(DType.F16, 2, 4, 8, 64);
             Tensor same = f32(2, 2, 9, 64)) {
            bad(() -> Ops.attention(q, kv, kv, true, 0.5f, lengthsF32), "attention", "kvLengths", "I32", "F32", "[2]");
            bad(() -> Ops.attention(q, kv, kv, true, 0.5f, lengths3), "attention", "kvLengths", "[2]", "[3]", "[2, 4, 8, 64]");
            bad(() -> Ops.attention(q, kv, kv, true, 0.5f, lengths2d), "attention", "kvLengths", "[2, 1]");
            bad(() -> Ops.attention(q, kv, kv, true, 0.5f, lengths3, out), "attention", "kvLengths", "[3]");
            bad(() -> Ops.attention(q, kv, kv, true, 0.5f, lengths, outShape), "attention", "out", "[2, 4, 8, 64]", "[2, 4, 9, 64]");
            bad(() -> Ops.attention(q, kv, kv, true, 0.5f, lengths, out16), "attention", "out", "F32", "F16");
            bad(() -> Ops.attention(q, kv, kv, true, out16), "attention", "out", "F32", "F16");
            // out overlapping an input other than q: k (a q of k's shape), v, kvLengths
            bad(() -> Ops.attention(same, kv, same, false, 0.5f, lengths, kv), "attention", "out overlaps k");
            bad(() -> Ops.attention(same, kv, kv, false, kv), "attention", "out overlaps k");
            for (float scale : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                bad(() -> Ops.attention(q, kv, kv, true, scale, lengths), "attention", "scale", Float.toString(scale));
            }
            npe(() -> Ops.attention(q, kv, kv, true, 0.5f, null), "attention", "kvLengths");
            npe(() -> Ops.attention(q, kv, kv, true, 0.5f, null, out), "attention", "kvLengths");
            npe(() -> Ops.attention(q, kv, kv, true, 0.5f, lengths, null), "attention", "out");
            npe(() -> Ops.attention(q, kv, kv, true, (Tensor) null), "attention", "out");
            npe(() -> Ops.attention(null, kv, kv, true, 0.5f, lengths), "attention", "q");
            npe(() -> Ops.attention(q, null, kv, true, 0.5f, lengths, out), "attention", "k");
            npe(() -> Ops.attention(null, kv, kv, true, out), "attention", "q");
        }
    }

    @Test
    void topKGating() {
        try (Tensor logits = f32(4, 128); Tensor small = f32(4, 8); Tensor rank1 = f32(128); Tensor rank3 = f32(2, 4, 128);
             Tensor noExperts = f32(4, 0); Tensor tooMany = f32(2, 4097); Tensor ints = device.zeros(DType.I32, 4, 128)) {
            bad(() -> Ops.topKGating(logits, 0, false), "topKGating", "k", "0");
            bad(() -> Ops.topKGating(logits, 65, true), "topKGating", "k", "65", "[4, 128]");
            bad(() -> Ops.topKGating(small, 9, false), "topKGating", "9", "[4, 8]");
            bad(() -> Ops.topKGating(logits, -1, false), "topKGating", "-1");
            bad(() -> Ops.topKGating(rank1, 2, false), "topKGating", "[128]");
            bad(() -> Ops.topKGating(rank3, 2, false), "topKGating", "[2, 4, 128]");
            bad(() -> Ops.topKGating(noExperts, 1, false), "topKGating", "E", "[4, 0]");
            bad(() -> Ops.topKGating(tooMany, 2, false), "topKGating", "4096", "[2, 4097]");
            bad(() -> Ops.topKGating(ints, 2, false), "topKGating", "I32");
            npe(() -> Ops.topKGating(null, 2, false), "topKGating", "logits");
        }
    }

    @Test
    void topK() {
        try (Tensor x = f32(3, 2000); Tensor row = f32(10); Tensor empty = f32(3, 0); Tensor ints = device.zeros(DType.I32, 3, 10)) {
            bad(() -> Ops.topK(x, 0), "topK", "k", "0");
            bad(() -> Ops.topK(x, 1025), "topK", "1025", "1024", "[3, 2000]");
            bad(() -> Ops.topK(row, 11), "topK", "11", "[10]");
            bad(() -> Ops.topK(row, -3), "topK", "-3");
            bad(() -> Ops.topK(empty, 1), "topK", "[3, 0]");
            bad(() -> Ops.topK(ints, 2), "topK", "I32");
            npe(() -> Ops.topK(null, 2), "topK", "x");
        }
    }

    @Test
    void permute() {
        try (Tensor x = f32(2, 3, 4); Tensor out = f32(4, 3, 2); Tensor base = f32(60); Tensor xAgain = x.reshape(4, 3, 2)) {
            bad(() -> Ops.permute(x, 0, 1), "permute", "[0, 1]", "[2, 3, 4]");
            bad(() -> Ops.permute(x, 0, 2, 2), "permute", "[0, 2, 2]", "[2, 3, 4]");
            bad(() -> Ops.permute(x, 0, 1, 3), "permute", "[0, 1, 3]");
            bad(() -> Ops.permute(x, new int[] {2, 1, 0}, xAgain), "permute", "overlaps");
            bad(() -> Ops.permute(x, new int[] {0, 1, 2}, out), "permute", "[2, 3, 4]", "[4, 3, 2]");
            try (Tensor vs = base.slice(0, 24); Tensor v = vs.reshape(2, 3, 4); Tensor ws = base.slice(23, 47);
                 Tensor w = ws.reshape(4, 3, 2)) {
                bad(() -> Ops.permute(v, new int[] {2, 1, 0}, w), "permute", "overlaps");
            }
            npe(() -> Ops.permute(x, (int[]) null), "permute", "dims");
            npe(() -> Ops.permute(null, 0), "permute", "x");
        }
    }

    @Test
    void deviceFactories() {
        npe(() -> device.zeros(null, 3), "zeros");
        npe(() -> device.zeros(DType.F32, (long[]) null), "zeros");
        bad(() -> device.zeros(DType.F32), "zeros", "rank");
        bad(() -> device.zeros(DType.F32, 1, 1, 1, 1, 1, 1, 1, 1, 1), "zeros", "rank");
        bad(() -> device.zeros(DType.F32, 3, -1), "zeros", "[3, -1]");
        bad(() -> device.zeros(DType.F32, 1L << 40, 1L << 40), "zeros", "[1099511627776, 1099511627776]");
        bad(() -> device.tensor(new float[5], 2, 3), "tensor", "5", "[2, 3]");
        bad(() -> device.tensor(new int[7], 2, 3), "tensor", "7", "[2, 3]");
        npe(() -> device.tensor((float[]) null, 2), "tensor");
        npe(() -> device.tensor((int[]) null, 2), "tensor");
        npe(() -> device.tensor((MemorySegment) null, DType.F32, 2), "tensor");
        npe(() -> device.tensor(MemorySegment.ofArray(new byte[8]), null, 2), "tensor");
        bad(() -> device.tensor(MemorySegment.ofArray(new byte[7]), DType.F16, 4), "tensor", "7", "8");
        bad(() -> device.tensor(MemorySegment.ofArray(new byte[15]), DType.F32, 2, 2), "tensor", "15", "16");
    }

    @Test
    void tensorMethods() {
        try (Tensor f = f32(2, 5); Tensor i = device.zeros(DType.I32, 2, 5); Tensor i8 = device.zeros(DType.I8, 3);
             Arena arena = Arena.ofConfined()) {
            bad(i::toFloatArray, "toFloatArray", "I32");
            bad(f::toIntArray, "toIntArray", "F32");
            bad(() -> f.to(DType.I32), "F32", "I32");
            bad(() -> i.to(DType.F32), "I32", "F32");
            bad(() -> i8.to(DType.F16), "I8", "F16");
            bad(() -> f.copyTo(arena.allocate(39)), "copyTo", "39", "40");
            bad(() -> f.copyFrom(arena.allocate(39)), "copyFrom", "39", "40");
            bad(() -> f.copyTo(arena.allocate(40).asReadOnly()), "copyTo", "read-only");
            npe(() -> f.copyTo(null), "copyTo");
            npe(() -> f.copyFrom((MemorySegment) null), "copyFrom");
            npe(() -> f.copyFrom((Tensor) null), "copyFrom", "src");
            npe(() -> f.to((Device) null), "to");
            npe(() -> f.to((DType) null), "to");
        }
    }

    /** A Tensor that Panamax did not make cannot reach a kernel. */
    @Test
    void foreignTensors() {
        Tensor fake = (Tensor) java.lang.reflect.Proxy.newProxyInstance(Tensor.class.getClassLoader(),
                new Class<?>[] {Tensor.class}, (proxy, method, args) -> {
                    throw new AssertionError("Ops must not call into a foreign tensor: " + method);
                });
        try (Tensor x = f32(3, 4)) {
            bad(() -> Ops.softmax(fake), "softmax");
            bad(() -> Ops.softmax(x, fake), "softmax");
            bad(() -> Ops.matmul(fake, x), "matmul");
        }
    }

    /** Tensors of two different devices in one call: rejected, naming both (needs a second backend here). */
    @Test
    void mixedDevices() {
        String other = Device.available().stream().filter(s -> !s.equals("cpu")).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "only the CPU is available on this machine");
        try (Device gpu = Device.open(other); Tensor a = f32(4, 4); Tensor b = gpu.zeros(DType.F32, 4, 4);
             Tensor c = f32(4, 4); Tensor q = gpu.zeros(DType.F32, 1, 1, 4, 4); Tensor kv = device.zeros(DType.F32, 1, 1, 4, 4)) {
            bad(() -> Ops.gemm(1, a, false, b, false, 0, c), "gemm", "cpu", other);
            bad(() -> Ops.gemm(1, a, false, c, false, 0, b), "gemm", "cpu", other);
            bad(() -> Ops.matmul(b, a), "matmul", "cpu", other);
            bad(() -> Ops.softmax(a, b), "softmax", "cpu", other);
            bad(() -> Ops.attention(q, kv, kv, true), "attention", "cpu", other);
            try (Tensor gq = gpu.zeros(DType.F32, 1, 1, 4, 4); Tensor gkv = gpu.zeros(DType.F32, 1, 1, 4, 4);
                 Tensor lengths = device.zeros(DType.I32, 1); Tensor gLengths = gpu.zeros(DType.I32, 1);
                 Tensor gOut = gpu.zeros(DType.F32, 1, 1, 4, 4); Tensor cq = device.zeros(DType.F32, 1, 1, 4, 4)) {
                bad(() -> Ops.attention(gq, gkv, gkv, true, 0.5f, lengths), "attention", "kvLengths", "cpu", other);
                bad(() -> Ops.attention(gq, gkv, gkv, true, 0.5f, lengths, gOut), "attention", "kvLengths", "cpu", other);
                bad(() -> Ops.attention(cq, kv, kv, true, 0.5f, gLengths), "attention", "kvLengths", "cpu", other);
                bad(() -> Ops.attention(gq, gkv, gkv, true, 0.5f, gLengths, kv), "attention", "out", "cpu", other);
                bad(() -> Ops.attention(gq, gkv, gkv, true, kv), "attention", "out", "cpu", other);
            }
        }
    }

    @Test
    void deviceSpecs() {
        for (String spec : new String[] {"", "gpu", "tpu:0", "cuda:", "cuda:-1", "cuda:x", "opencl:0:1", "opencl:1234567890", "cuda :0"}) {
            bad(() -> Device.open(spec), spec.isEmpty() ? "Device.open" : spec);
        }
        npe(() -> Device.open(null), "Device.open");
    }

    // ---------------------------------------------------------------- elementwise and norm families

    @Test
    void elementwise() {
        try (Tensor a = f32(2, 3, 4); Tensor suffix = f32(3, 4); Tensor notSuffix = f32(2, 3); Tensor longer = f32(1, 2, 3, 4);
             Tensor half = device.zeros(DType.F16, 2, 3, 4); Tensor ints = device.zeros(DType.I32, 2, 3, 4);
             Tensor out = f32(2, 3, 4); Tensor wrongOut = f32(2, 4, 3); Tensor halfOut = device.zeros(DType.F16, 2, 3, 4)) {
            bad(() -> Ops.add(a, notSuffix), "add", "suffix", "[2, 3, 4]", "[2, 3]");
            bad(() -> Ops.mul(a, longer), "mul", "suffix", "[2, 3, 4]", "[1, 2, 3, 4]");
            bad(() -> Ops.add(suffix, a), "add", "[3, 4]", "[2, 3, 4]");
            bad(() -> Ops.add(a, half), "add", "same dtype", "F32", "F16");
            bad(() -> Ops.mul(ints, ints), "mul", "I32");
            bad(() -> Ops.gelu(ints, false), "gelu", "I32");
            bad(() -> Ops.silu(ints), "silu", "I32");
            bad(() -> Ops.swiglu(a, suffix), "swiglu", "same shape", "[2, 3, 4]", "[3, 4]");
            bad(() -> Ops.swiglu(a, half), "swiglu", "same dtype", "F32", "F16");
            bad(() -> Ops.add(a, suffix, wrongOut), "add", "out", "[2, 3, 4] F32", "[2, 4, 3] F32");
            bad(() -> Ops.mul(a, suffix, halfOut), "mul", "out", "[2, 3, 4] F32", "F16");
            bad(() -> Ops.gelu(a, true, wrongOut), "gelu", "out", "[2, 4, 3]");
            bad(() -> Ops.silu(a, halfOut), "silu", "out", "F16");
            bad(() -> Ops.swiglu(a, out, out), "swiglu", "out overlaps up");
            npe(() -> Ops.add(null, a), "add", "a");
            npe(() -> Ops.add(a, null), "add", "b");
            npe(() -> Ops.mul(a, a, null), "mul", "out");
            npe(() -> Ops.gelu(null, false), "gelu", "x");
            npe(() -> Ops.silu(a, null), "silu", "out");
            npe(() -> Ops.swiglu(a, null), "swiglu", "up");
        }
    }

    @Test
    void norms() {
        try (Tensor x = f32(4, 8); Tensor g = f32(8); Tensor b = f32(8); Tensor shortG = f32(7); Tensor g2 = f32(1, 8);
             Tensor halfG = device.zeros(DType.F16, 8); Tensor bfX = device.zeros(DType.BF16, 4, 8);
             Tensor ints = device.zeros(DType.I32, 4, 8); Tensor out = f32(4, 8); Tensor wrongOut = f32(8, 4);
             Tensor residual = f32(4, 8); Tensor wrongResidual = f32(2, 8); Tensor bfResidual = device.zeros(DType.BF16, 4, 8)) {
            bad(() -> Ops.layerNorm(x, shortG, b, 1e-5f), "layerNorm", "gamma", "[8]", "[7]");
            bad(() -> Ops.layerNorm(x, g, shortG, 1e-5f), "layerNorm", "beta", "[8]", "[7]");
            bad(() -> Ops.rmsNorm(x, g2, 1e-5f), "rmsNorm", "gamma", "[1, 8]");
            bad(() -> Ops.rmsNorm(x, halfG, 1e-5f), "rmsNorm", "gamma", "F32", "F16");
            bad(() -> Ops.layerNorm(bfX, g, halfG, 1e-5f), "layerNorm", "beta", "BF16", "F16");
            bad(() -> Ops.layerNorm(ints, g, b, 1e-5f), "layerNorm", "I32");
            bad(() -> Ops.rmsNorm(x, g, -1e-5f), "rmsNorm", "eps", "-1.0E-5");
            bad(() -> Ops.rmsNorm(x, g, Float.NaN), "rmsNorm", "eps", "NaN");
            bad(() -> Ops.layerNorm(x, g, b, Float.POSITIVE_INFINITY), "layerNorm", "eps", "Infinity");
            bad(() -> Ops.addRmsNorm(x, residual, g, -1f), "addRmsNorm", "eps");
            bad(() -> Ops.layerNorm(x, g, b, 1e-5f, wrongOut), "layerNorm", "out", "[4, 8] F32", "[8, 4] F32");
            bad(() -> Ops.rmsNorm(x, g, 1e-5f, bfX), "rmsNorm", "out", "BF16");
            bad(() -> Ops.addRmsNorm(x, wrongResidual, g, 1e-5f), "addRmsNorm", "residual", "[4, 8]", "[2, 8]");
            bad(() -> Ops.addRmsNorm(x, bfResidual, g, 1e-5f), "addRmsNorm", "residual", "F32", "BF16");
            bad(() -> Ops.addRmsNorm(x, x, g, 1e-5f), "addRmsNorm", "overlap");
            bad(() -> Ops.addRmsNorm(x, residual, shortG, 1e-5f), "addRmsNorm", "gamma", "[7]");
            npe(() -> Ops.layerNorm(null, g, b, 1e-5f), "layerNorm", "x");
            npe(() -> Ops.layerNorm(x, null, b, 1e-5f), "layerNorm", "gamma");
            npe(() -> Ops.layerNorm(x, g, null, 1e-5f), "layerNorm", "beta");
            npe(() -> Ops.rmsNorm(x, g, 1e-5f, null), "rmsNorm", "out");
            npe(() -> Ops.addRmsNorm(x, null, g, 1e-5f), "addRmsNorm", "residual");
            assertEquals(0f, out.toFloatArray()[0], "rejected calls wrote nothing");
        }
    }

    /** reshape, slice and copyFrom(Tensor): the op, the tensor's shape and the offending values in every message. */
    @Test
    void views() {
        try (Tensor t = f32(4, 6); Tensor empty = f32(0, 6); Tensor h = device.zeros(DType.F16, 24); Tensor small = f32(23)) {
            bad(() -> t.slice(2, 7), "slice", "[2, 7)", "[4, 6]", "<= 4");
            bad(() -> t.slice(-1, 2), "slice", "[-1, 2)", "[4, 6]");
            bad(() -> t.slice(3, 2), "slice", "[3, 2)");
            bad(() -> t.reshape(5, 5), "reshape", "[5, 5]", "24", "[4, 6]");
            bad(() -> t.reshape(-1, 5), "reshape", "[-1, 5]", "24", "[4, 6]");
            bad(() -> t.reshape(-1, -1), "reshape", "at most one", "[-1, -1]");
            bad(() -> t.reshape(-2, -12), "reshape", "negative", "[-2, -12]");
            bad(() -> t.reshape(), "reshape", "rank");
            bad(() -> empty.reshape(-1, 0), "reshape", "-1", "[-1, 0]", "[0, 6]");
            npe(() -> t.reshape((long[]) null), "reshape", "shape");
            bad(() -> t.copyFrom(h), "copyFrom", "[24] F16", "[4, 6] F32", "same dtype and size");
            bad(() -> t.copyFrom(small), "copyFrom", "[23] F32", "[4, 6] F32");
        }
        try (Tensor base = f32(3, 4, 4); Tensor rows = base.reshape(12, 4); Tensor a = rows.slice(0, 4); Tensor b = rows.slice(4, 8);
             Tensor overA = rows.slice(2, 6); Tensor sameAsA = rows.slice(0, 4); Tensor c = rows.slice(8, 12)) {
            Ops.gemm(1, a, false, b, false, 0, c);
            bad(() -> Ops.gemm(1, a, false, b, false, 0, overA), "gemm", "c overlaps a");
            bad(() -> Ops.gemm(1, a, false, b, false, 0, sameAsA), "gemm", "c overlaps a");
            bad(() -> Ops.gemm(1, a, false, overA, false, 0, b), "gemm", "c overlaps b");
            bad(() -> Ops.softmax(a, overA), "softmax", "out overlaps x");
            Ops.softmax(a, sameAsA); // the same bytes: in place
        }
        Tensor closed = f32(4);
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> closed.reshape(2, 2));
        assertTrue(e.getMessage().contains("reshape") && e.getMessage().contains("closed"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> closed.slice(0, 1));
        assertTrue(e.getMessage().contains("slice") && e.getMessage().contains("closed"), e.getMessage());
    }

    // ---------------------------------------------------------------- embedding, rope, writeCache

    @Test
    void embedding() {
        try (Tensor table = f32(10, 4); Tensor ids = device.zeros(DType.I32, 3); Tensor idsF = f32(3); Tensor table3 = f32(2, 10, 4);
             Tensor tableI = device.zeros(DType.I32, 10, 4); Tensor ids8 = device.zeros(DType.I32, 1, 1, 1, 1, 1, 1, 1, 1);
             Tensor out = f32(3, 4); Tensor outWrong = f32(4, 3); Tensor out16 = device.zeros(DType.F16, 3, 4)) {
            bad(() -> Ops.embedding(table, idsF), "embedding", "ids", "I32", "F32");
            bad(() -> Ops.embedding(table3, ids), "embedding", "[V, H]", "[2, 10, 4]");
            bad(() -> Ops.embedding(tableI, ids), "embedding", "table", "I32");
            bad(() -> Ops.embedding(table, ids8), "embedding", "rank 1 to 7", "[1, 1, 1, 1, 1, 1, 1, 1]");
            bad(() -> Ops.embedding(table, ids, outWrong), "embedding", "out", "[3, 4]", "[4, 3]");
            bad(() -> Ops.embedding(table, ids, out16), "embedding", "out", "F32", "F16");
            bad(() -> Ops.embedding(table, idsF, out), "embedding", "ids", "I32");
            npe(() -> Ops.embedding(null, ids), "embedding", "table");
            npe(() -> Ops.embedding(table, null), "embedding", "ids");
            npe(() -> Ops.embedding(null, ids, out), "embedding", "table");
            npe(() -> Ops.embedding(table, ids, null), "embedding", "out");
        }
    }

    @Test
    void rope() {
        try (Tensor x = f32(1, 2, 3, 8); Tensor pos = device.zeros(DType.I32, 3); Tensor posWrong = device.zeros(DType.I32, 4);
             Tensor posWrongB = device.zeros(DType.I32, 2, 3); Tensor posF = f32(3); Tensor inv = f32(4); Tensor invLong = f32(5);
             Tensor inv16 = device.zeros(DType.F16, 4); Tensor inv2d = f32(2, 2); Tensor x3 = f32(2, 3, 8); Tensor xOdd = f32(1, 2, 3, 7);
             Tensor xi = device.zeros(DType.I32, 1, 2, 3, 8)) {
            bad(() -> Ops.rope(x3, pos, inv, false), "rope", "[B, H, S, D]", "[2, 3, 8]");
            bad(() -> Ops.rope(x3, pos, 10000f), "rope", "[B, H, S, D]", "[2, 3, 8]");
            bad(() -> Ops.rope(xi, pos, inv, false), "rope", "x", "I32");
            bad(() -> Ops.rope(x, posWrong, inv, false), "rope", "positions", "[3]", "[1, 3]", "[4]");
            bad(() -> Ops.rope(x, posWrongB, 10000f), "rope", "positions", "[2, 3]");
            bad(() -> Ops.rope(x, posF, inv, false), "rope", "positions", "I32", "F32");
            bad(() -> Ops.rope(x, pos, invLong, false), "rope", "inverseFrequencies", "R <= D = 8", "[5]");
            bad(() -> Ops.rope(x, pos, inv16, true), "rope", "inverseFrequencies", "F32", "F16");
            bad(() -> Ops.rope(x, pos, inv2d, false), "rope", "inverseFrequencies", "[2, 2]");
            bad(() -> Ops.rope(xOdd, pos, 10000f), "rope", "even", "[1, 2, 3, 7]");
            for (float theta : new float[] {0, -1, Float.NaN, Float.POSITIVE_INFINITY}) {
                bad(() -> Ops.rope(x, pos, theta), "rope", "theta", Float.toString(theta));
            }
            npe(() -> Ops.rope(null, pos, inv, false), "rope", "x");
            npe(() -> Ops.rope(x, null, inv, false), "rope", "positions");
            npe(() -> Ops.rope(x, pos, null, false), "rope", "inverseFrequencies");
            npe(() -> Ops.rope(null, pos, 10000f), "rope", "x");
            npe(() -> Ops.rope(x, null, 10000f), "rope", "positions");
        }
    }

    @Test
    void writeCache() {
        try (Tensor src = f32(2, 2, 3, 8); Tensor cache = f32(2, 2, 16, 8); Tensor starts = device.zeros(DType.I32, 2);
             Tensor src16 = device.zeros(DType.F16, 2, 2, 3, 8); Tensor cacheB = f32(3, 2, 16, 8); Tensor cacheD = f32(2, 2, 16, 4);
             Tensor cacheH = f32(2, 1, 16, 8); Tensor startsF = f32(2); Tensor starts3 = device.zeros(DType.I32, 3);
             Tensor starts2d = device.zeros(DType.I32, 2, 1); Tensor src3 = f32(2, 3, 8); Tensor srcI = device.zeros(DType.I32, 2, 2, 3, 8)) {
            bad(() -> Ops.writeCache(src16, cache, starts), "writeCache", "F16", "F32");
            bad(() -> Ops.writeCache(src3, cache, starts), "writeCache", "[B, H, T, D]", "[2, 3, 8]");
            bad(() -> Ops.writeCache(src, cacheB, starts), "writeCache", "B, H and D", "[2, 2, 3, 8]", "[3, 2, 16, 8]");
            bad(() -> Ops.writeCache(src, cacheD, starts), "writeCache", "B, H and D", "[2, 2, 16, 4]");
            bad(() -> Ops.writeCache(src, cacheH, starts), "writeCache", "B, H and D", "[2, 1, 16, 8]");
            bad(() -> Ops.writeCache(src, cache, startsF), "writeCache", "starts", "I32", "F32");
            bad(() -> Ops.writeCache(src, cache, starts3), "writeCache", "starts", "[2]", "[3]");
            bad(() -> Ops.writeCache(src, cache, starts2d), "writeCache", "starts", "[2, 1]");
            bad(() -> Ops.writeCache(srcI, srcI, starts), "writeCache", "src", "I32");
            bad(() -> Ops.writeCache(src, src, starts), "writeCache", "overlaps", "src");
            npe(() -> Ops.writeCache(null, cache, starts), "writeCache", "src");
            npe(() -> Ops.writeCache(src, null, starts), "writeCache", "cache");
            npe(() -> Ops.writeCache(src, cache, null), "writeCache", "starts");
        }
    }

    /** embedding, rope and writeCache with an argument on another device: rejected, naming both. */
    @Test
    void mixedDevicesRowsAndRope() {
        String other = Device.available().stream().filter(s -> !s.equals("cpu")).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "only the CPU is available on this machine");
        try (Device gpu = Device.open(other); Tensor table = f32(4, 4); Tensor ids = gpu.zeros(DType.I32, 2);
             Tensor x = f32(1, 1, 2, 4); Tensor pos = gpu.zeros(DType.I32, 2); Tensor inv = gpu.zeros(DType.F32, 2);
             Tensor cache = gpu.zeros(DType.F32, 1, 1, 8, 4); Tensor starts = device.zeros(DType.I32, 1);
             Tensor posHere = device.zeros(DType.I32, 2)) {
            bad(() -> Ops.embedding(table, ids), "embedding", "cpu", other);
            bad(() -> Ops.rope(x, pos, 10000f), "rope", "cpu", other);
            bad(() -> Ops.rope(x, posHere, inv, false), "rope", "cpu", other);
            bad(() -> Ops.writeCache(x, cache, starts), "writeCache", "cpu", other);
        }
    }
}
