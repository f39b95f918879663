package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import dev.panamax.testing.Data;
import dev.panamax.testing.Raw;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The same inputs twice give the same bits, for every op, at sizes large enough that the
 * backends split the work (parallel chunks, split-K, split-KV, multi-block rows).
 */
abstract class DeterminismCases extends DeviceCases {

    /** Runs {@code op} twice on the same input tensors and compares the raw bits of what it returns. */
    private static void twice(String what, Data data, Supplier<int[]> op) {
        int[] first = op.get();
        int[] second = op.get();
        assertArrayEquals(first, second, what + " is not deterministic; " + data.describe());
    }

    private Tensor normal(Data data, DType dtype, double std, long... shape) {
        return Data.tensor(device(), dtype, data.normal((int) SoftmaxCases.size(shape), std), shape);
    }

    @Test
    void gemm() {
        Data data = Data.fresh();
        for (DType dtype : FLOATS) {
            float[] c0 = data.normal(300 * 200, 1);
            try (Tensor a = normal(data, dtype, 1, 300, 1025); Tensor b = normal(data, dtype, 1, 200, 1025)) {
                twice("gemm " + dtype, data, () -> {
                    try (Tensor c = Data.tensor(device(), dtype, c0, 300, 200)) {
                        Ops.gemm(0.5f, a, false, b, true, 0.25f, c);
                        return Raw.bits(c);
                    }
                });
                try (Tensor bk = normal(data, dtype, 1, 1025, 200)) {
                    twice("matmul " + dtype, data, () -> {
                        try (Tensor c = Ops.matmul(a, bk)) {
                            return Raw.bits(c);
                        }
                    });
                }
            }
        }
    }

    @Test
    void softmax() {
        Data data = Data.fresh();
        for (DType dtype : FLOATS) {
            try (Tensor x = normal(data, dtype, 3, 32, 20001)) {
                twice("softmax " + dtype, data, () -> {
                    try (Tensor y = Ops.softmax(x)) {
                        return Raw.bits(y);
                    }
                });
            }
        }
    }

    @Test
    void attention() {
        Data data = Data.fresh();
        long[][][] shapes = {{{1, 4, 257, 64}, {1, 2, 300, 64}}, {{2, 8, 1, 128}, {2, 2, 3001, 128}}};
        for (DType dtype : FLOATS) {
            for (long[][] s : shapes) {
                try (Tensor q = normal(data, dtype, 1, s[0]); Tensor k = normal(data, dtype, 1, s[1]);
                     Tensor v = normal(data, dtype, 1, s[1])) {
                    for (boolean causal : new boolean[] {false, true}) {
                        twice("attention " + dtype + (causal ? " causal" : ""), data, () -> {
                            try (Tensor o = Ops.attention(q, k, v, causal)) {
                                return Raw.bits(o);
                            }
                        });
                    }
                }
            }
        }
    }

    @Test
    void gatingAndTopK() {
        Data data = Data.fresh();
        for (DType dtype : FLOATS) {
            try (Tensor logits = normal(data, dtype, 2, 512, 256); Tensor x = normal(data, dtype, 1, 8, 20000)) {
                twice("topKGating " + dtype, data, () -> {
                    try (Routing r = Ops.topKGating(logits, 8, true)) {
                        return concat(Raw.bits(r.weights()), Raw.bits(r.experts()));
                    }
                });
                twice("topK " + dtype, data, () -> {
                    try (TopK r = Ops.topK(x, 100)) {
                        return concat(Raw.bits(r.values()), Raw.bits(r.indices()));
                    }
                });
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
