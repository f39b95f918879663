package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tensors with a dimension of 0: every op returns empty results of the right shape, launching nothing. */
abstract class EmptyCases extends DeviceCases {

    /** a, b, c shapes of an empty gemm (c has no element), with transA, transB. */
    static List<Object[]> gemmShapes() {
        return List.of(
                new Object[] {new long[] {0, 5}, new long[] {5, 3}, new long[] {0, 3}, false, false},
                new Object[] {new long[] {4, 5}, new long[] {5, 0}, new long[] {4, 0}, false, false},
                new Object[] {new long[] {0, 0}, new long[] {0, 0}, new long[] {0, 0}, true, true},
                new Object[] {new long[] {5, 0}, new long[] {3, 5}, new long[] {0, 3}, true, true},
                new Object[] {new long[] {0, 4, 5}, new long[] {5, 3}, new long[] {0, 4, 3}, false, false},
                new Object[] {new long[] {0, 4, 5}, new long[] {0, 5, 3}, new long[] {0, 4, 3}, false, false},
                new Object[] {new long[] {2, 0, 5}, new long[] {2, 3, 5}, new long[] {2, 0, 3}, false, true});
    }

    @ParameterizedTest(name = "gemm a {0} b {1} c {2} transA={3} transB={4}")
    @MethodSource("gemmShapes")
    void gemm(long[] a, long[] b, long[] c, boolean transA, boolean transB) {
        for (DType dtype : FLOATS) {
            try (Tensor ta = device().zeros(dtype, a); Tensor tb = device().zeros(dtype, b); Tensor tc = device().zeros(DType.F32, c)) {
                Ops.gemm(1.5f, ta, transA, tb, transB, 0f, tc);
                Ops.gemm(1.5f, ta, transA, tb, transB, 2f, tc);
                assertArrayEquals(c, tc.shape());
                assertEquals(0, tc.toFloatArray().length);
            }
        }
    }

    @Test
    void matmul() {
        long[][][] cases = {
            {{0, 5}, {5, 3}, {0, 3}},
            {{4, 5}, {5, 0}, {4, 0}},
            {{2, 0, 4, 5}, {5, 3}, {2, 0, 4, 3}},
            {{2, 0, 4, 5}, {2, 0, 5, 3}, {2, 0, 4, 3}},
        };
        for (long[][] s : cases) {
            try (Tensor a = device().zeros(DType.BF16, s[0]); Tensor b = device().zeros(DType.BF16, s[1]);
                 Tensor out = Ops.matmul(a, b)) {
                assertArrayEquals(s[2], out.shape());
                assertEquals(DType.BF16, out.dtype());
                assertEquals(0, out.size());
            }
        }
    }

    @Test
    void softmax() {
        for (long[] shape : List.of(new long[] {0}, new long[] {0, 7}, new long[] {7, 0}, new long[] {2, 0, 3})) {
            for (DType dtype : FLOATS) {
                try (Tensor x = device().zeros(dtype, shape); Tensor out = Ops.softmax(x); Tensor into = device().zeros(dtype, shape)) {
                    assertArrayEquals(shape, out.shape());
                    assertEquals(dtype, out.dtype());
                    Ops.softmax(x, into);
                    Ops.softmax(x, x);
                    assertEquals(0, out.toFloatArray().length);
                }
            }
        }
    }

    @Test
    void attention() {
        long[][][] cases = { // q, k (and v)
            {{0, 2, 5, 64}, {0, 2, 7, 64}},
            {{1, 0, 5, 64}, {1, 0, 7, 64}},
            {{1, 0, 5, 64}, {1, 2, 7, 64}},
            {{1, 2, 0, 64}, {1, 2, 7, 64}},
            {{1, 2, 0, 64}, {1, 1, 0, 64}},
        };
        for (long[][] s : cases) {
            for (boolean causal : new boolean[] {false, true}) {
                try (Tensor q = device().zeros(DType.F16, s[0]); Tensor k = device().zeros(DType.F16, s[1]);
                     Tensor v = device().zeros(DType.F16, s[1]); Tensor lengths = device().zeros(DType.I32, s[0][0]);
                     Tensor out = Ops.attention(q, k, v, causal); Tensor withLengths = Ops.attention(q, k, v, causal, 0.5f, lengths)) {
                    for (Tensor result : new Tensor[] {out, withLengths}) {
                        assertArrayEquals(s[0], result.shape());
                        assertEquals(DType.F16, result.dtype());
                        assertEquals(0, result.size());
                    }
                    Ops.attention(q, k, v, causal, 0.5f, lengths, out);
                    Ops.attention(q, k, v, causal, out);
                }
            }
        }
    }

    @Test
    void topKGating() {
        for (boolean renormalize : new boolean[] {false, true}) {
            try (Tensor logits = device().zeros(DType.F32, 0, 8); Routing r = Ops.topKGating(logits, 2, renormalize)) {
                assertArrayEquals(new long[] {0, 2}, r.weights().shape());
                assertArrayEquals(new long[] {0, 2}, r.experts().shape());
                assertEquals(DType.F32, r.weights().dtype());
                assertEquals(DType.I32, r.experts().dtype());
                assertEquals(0, r.experts().toIntArray().length);
            }
        }
    }

    @Test
    void topK() {
        long[][][] cases = {{{0, 10}, {0, 3}}, {{2, 0, 10}, {2, 0, 3}}};
        for (long[][] s : cases) {
            try (Tensor x = device().zeros(DType.BF16, s[0]); TopK r = Ops.topK(x, 3)) {
                assertArrayEquals(s[1], r.values().shape());
                assertArrayEquals(s[1], r.indices().shape());
                assertEquals(DType.BF16, r.values().dtype());
                assertEquals(DType.I32, r.indices().dtype());
            }
        }
    }

    @Test
    void tensorsAndCopies() {
        try (Tensor f = device().tensor(new float[0], 3, 0);
             Tensor i = device().tensor(new int[0], 0);
             Tensor h = device().tensor(MemorySegment.NULL, DType.F16, 0, 4);
             Tensor z = device().zeros(DType.I8, 0);
             Tensor converted = f.to(DType.BF16);
             Tensor moved = f.to(dev.panamax.Device.cpu());
             Tensor back = moved.to(device())) {
            assertArrayEquals(new long[] {3, 0}, converted.shape());
            assertEquals(DType.BF16, converted.dtype());
            assertArrayEquals(new long[] {3, 0}, back.shape());
            assertEquals(0, f.toFloatArray().length);
            assertEquals(0, i.toIntArray().length);
            assertEquals(0, h.size());
            assertEquals(0, z.size());
            f.copyTo(MemorySegment.NULL);
            f.copyFrom(MemorySegment.NULL);
        }
    }
}
