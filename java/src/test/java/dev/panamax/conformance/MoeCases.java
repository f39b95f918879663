package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.PackedMatrix;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Raw;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MoE family against the float64 reference: moe(x, routing, gate, up, down) with every expert
 * chosen, some never chosen, all tokens on one expert, k = 1 and k = E, T = 1, T and F, H odd and
 * off every tile, experts outside [0, E), a token choosing one expert twice, routing made by
 * topKGating on the same device, out poisoned and out = x, the same bits twice; groupedMatmul with
 * empty groups, ends past N, negative or decreasing (clamped), rows no group covers (zeros).
 */
@Covers({"moe", "groupedMatmul"})
abstract class MoeCases extends DeviceCases {

    /** How a case picks each token's experts. */
    enum Pick {
        /** k distinct experts at random, every expert chosen by some token when T·k allows. */
        EVERY,
        /** k distinct experts among the first max(k, E / 3): the others are never chosen. */
        SOME,
        /** every slot names expert E / 2 (k = 1) or, for k &gt; 1, E / 2 and then experts out of range. */
        ONE,
        /** distinct experts with about one slot in four outside [0, E): -1, E, MIN_VALUE, MAX_VALUE. */
        OUTSIDE,
        /** random experts, a token may name one twice. */
        REPEATS
    }

    record Shape(int tokens, int hidden, int ffn, int experts, int k, Pick pick) {
        @Override
        public String toString() {
            return "T=" + tokens + " H=" + hidden + " F=" + ffn + " E=" + experts + " k=" + k + " " + pick;
        }
    }

    static List<Object[]> shapes() {
        List<Shape> base = List.of(
                new Shape(64, 33, 47, 8, 2, Pick.EVERY),
                new Shape(20, 40, 24, 16, 2, Pick.SOME),
                new Shape(37, 31, 19, 4, 1, Pick.ONE),
                new Shape(29, 24, 17, 5, 3, Pick.ONE),
                new Shape(9, 17, 21, 5, 5, Pick.EVERY),      // k = E
                new Shape(45, 64, 40, 7, 1, Pick.EVERY),     // k = 1
                new Shape(1, 128, 96, 8, 2, Pick.EVERY),     // T = 1
                new Shape(1, 65, 33, 64, 8, Pick.EVERY),
                new Shape(133, 65, 31, 6, 3, Pick.EVERY),    // T off every tile
                new Shape(17, 127, 129, 4, 2, Pick.SOME),    // H, F odd
                new Shape(23, 48, 32, 6, 2, Pick.OUTSIDE),
                new Shape(15, 20, 12, 3, 4, Pick.REPEATS),
                new Shape(6, 9, 1, 3, 2, Pick.EVERY),        // F = 1
                new Shape(3, 40, 24, 5, 4, Pick.REPEATS),    // few pairs (decode kernels), an expert twice
                new Shape(2, 48, 20, 6, 3, Pick.OUTSIDE),
                new Shape(4, 129, 65, 16, 4, Pick.SOME));
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (Shape s : base) {
                cases.add(new Object[] {dtype, s});
            }
        }
        return cases;
    }

    /** Inputs of one layer, rounded to their dtype, and the tensors made of them. */
    static final class Layer implements AutoCloseable {
        final Shape s;
        final float[] x, gate, up, down, weights;
        final int[] experts;
        final Tensor tx, tg, tu, td;
        final Routing routing;

        Layer(dev.panamax.Device device, DType dtype, Shape s, Data data) {
            this.s = s;
            int t = s.tokens(), h = s.hidden(), f = s.ffn(), e = s.experts();
            x = Data.roundTo(dtype, data.normal(t * h, 1));
            gate = Data.roundTo(dtype, data.normal(e * f * h, 1 / Math.sqrt(h)));
            up = Data.roundTo(dtype, data.normal(e * f * h, 1 / Math.sqrt(h)));
            down = Data.roundTo(dtype, data.normal(e * h * f, 1 / Math.sqrt(f)));
            experts = pick(data, s);
            weights = data.uniform(t * s.k(), 0.05, 1);
            Tensor a = null, b = null, c = null, d = null, w = null, i = null;
            try {
                a = Data.tensor(device, dtype, x, t, h);
                b = Data.tensor(device, dtype, gate, e, f, h);
                c = Data.tensor(device, dtype, up, e, f, h);
                d = Data.tensor(device, dtype, down, e, h, f);
                w = device.tensor(weights, t, s.k());
                i = device.tensor(experts, t, s.k());
            } catch (RuntimeException ex) {
                for (Tensor z : new Tensor[] {a, b, c, d, w, i}) {
                    if (z != null) {
                        z.close();
                    }
                }
                throw ex;
            }
            tx = a;
            tg = b;
            tu = c;
            td = d;
            routing = new Routing(w, i);
        }

        double[] reference() {
            return Reference64.moe(x, weights, experts, gate, up, down, s.tokens(), s.hidden(), s.ffn(), s.experts(), s.k());
        }

        @Override
        public void close() {
            try (Tensor a = tx; Tensor b = tg; Tensor c = tu; Tensor d = td; Routing r = routing) {
                // closes all five
            }
        }
    }

    static int[] pick(Data data, Shape s) {
        int t = s.tokens(), k = s.k(), e = s.experts();
        int[] out = new int[t * k];
        int[] outside = {-1, e, Integer.MIN_VALUE, Integer.MAX_VALUE};
        int next = 0; // EVERY: the experts in turn first, so that each appears once T·k >= E
        for (int tok = 0; tok < t; tok++) {
            int[] perm = permutation(data, e);
            for (int j = 0; j < k; j++) {
                out[tok * k + j] = switch (s.pick()) {
                    case EVERY -> perm[j];
                    case SOME -> permutation(data, Math.max(k, e / 3))[j];
                    case ONE -> j == 0 ? e / 2 : outside[data.random().nextInt(outside.length)];
                    case OUTSIDE -> data.random().nextInt(4) == 0 ? outside[data.random().nextInt(outside.length)] : perm[j];
                    case REPEATS -> data.random().nextInt(e);
                };
            }
            if (s.pick() == Pick.EVERY && next < e) {
                // put expert `next` into this token's slots unless it is there already
                boolean has = false;
                for (int j = 0; j < k; j++) {
                    has |= out[tok * k + j] == next;
                }
                if (!has) {
                    out[tok * k + data.random().nextInt(k)] = next;
                }
                next++;
            }
        }
        return out;
    }

    /** A random permutation of [0, n). */
    static int[] permutation(Data data, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = data.random().nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** The tolerance of moe: two F32-accumulated GEMM stages, the activation rounded to the dtype between them. */
    static double tolerance(DType dtype) {
        return 2 * Tolerances.accumulate(dtype);
    }

    @ParameterizedTest(name = "moe {0} {1}")
    @MethodSource("shapes")
    void layer(DType dtype, Shape s) {
        Data data = Data.fresh();
        try (Layer l = new Layer(device(), dtype, s, data); Tensor out = Ops.moe(l.tx, l.routing, l.tg, l.tu, l.td)) {
            assertArrayEquals(new long[] {s.tokens(), s.hidden()}, out.shape(), "moe result shape");
            Check.close("moe " + dtype + " " + s, out.toFloatArray(), l.reference(), tolerance(dtype), data);
            Check.sameBits("moe must leave x alone", l.tx.toFloatArray(), l.x, data);
        }
    }

    /**
     * Shapes for moe with packed experts: the decode path (whole strips of 96 columns a task, 288
     * at a time, so F and H past 288 and off a strip), and the parallel path with up to 96 rows an
     * expert, between 96 and 264 (the CPU reads the strips in place), and past 264 (copied into
     * panels).
     */
    static List<Object[]> packedShapes() {
        List<Shape> base = List.of(
                new Shape(1, 128, 96, 8, 2, Pick.EVERY),
                new Shape(3, 97, 389, 6, 2, Pick.REPEATS),
                new Shape(2, 300, 40, 4, 2, Pick.OUTSIDE),
                new Shape(64, 33, 47, 8, 2, Pick.EVERY),
                new Shape(133, 65, 31, 6, 3, Pick.EVERY),
                new Shape(250, 40, 100, 2, 1, Pick.EVERY),
                new Shape(300, 24, 50, 2, 2, Pick.EVERY),
                new Shape(9, 17, 21, 5, 5, Pick.EVERY));
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (Shape s : base) {
                cases.add(new Object[] {dtype, s});
            }
        }
        return cases;
    }

    /** moe on experts packed once (Ops.pack of the [E, F, H] and [E, H, F] stacks), and into out = x. */
    @ParameterizedTest(name = "moe packed {0} {1}")
    @MethodSource("packedShapes")
    void packedExperts(DType dtype, Shape s) {
        Data data = Data.fresh();
        try (Layer l = new Layer(device(), dtype, s, data); PackedMatrix g = Ops.pack(l.tg, true);
             PackedMatrix u = Ops.pack(l.tu, true); PackedMatrix d = Ops.pack(l.td, true)) {
            assertArrayEquals(new long[] {s.experts(), s.hidden(), s.ffn()}, g.shape(), "packed gate's shape");
            assertArrayEquals(new long[] {s.experts(), s.ffn(), s.hidden()}, d.shape(), "packed down's shape");
            double[] ref = l.reference();
            try (Tensor out = Ops.moe(l.tx, l.routing, g, u, d)) {
                Check.close("moe packed " + dtype + " " + s, out.toFloatArray(), ref, tolerance(dtype), data);
            }
            Ops.moe(l.tx, l.routing, g, u, d, l.tx);
            Check.close("moe packed into x " + dtype + " " + s, l.tx.toFloatArray(), ref, tolerance(dtype), data);
        }
    }

    /** Packed experts of the wrong layout, shape, dtype or kind, and a stack given to packedMatmul. */
    @Test
    void packedInvalid() {
        Data data = Data.fresh();
        try (Layer l = new Layer(device(), DType.F32, new Shape(4, 8, 6, 3, 2, Pick.EVERY), data);
             PackedMatrix g = Ops.pack(l.tg, true); PackedMatrix u = Ops.pack(l.tu, true); PackedMatrix d = Ops.pack(l.td, true);
             PackedMatrix gAsGiven = Ops.pack(l.tg, false);
             Tensor one = device().zeros(DType.F32, 6, 8); PackedMatrix single = Ops.pack(one, true);
             Tensor half = device().zeros(DType.F16, 3, 6, 8); PackedMatrix h = Ops.pack(half, true)) {
            expect("moe", () -> Ops.moe(l.tx, l.routing, gAsGiven, u, d));
            expect("moe", () -> Ops.moe(l.tx, l.routing, single, u, d));
            expect("moe", () -> Ops.moe(l.tx, l.routing, g, u, g));
            expect("moe", () -> Ops.moe(l.tx, l.routing, d, d, d));
            expect("moe", () -> Ops.moe(l.tx, l.routing, h, u, d));
            expect("moe", () -> Ops.moe(l.tx, null, g, u, d));
            expect("packedMatmul", () -> Ops.packedMatmul(l.tx, g));
            assertThrows(NullPointerException.class, () -> Ops.moe(l.tx, l.routing, g, null, d));
        }
    }

    /** Every expert out of range: zeros, and no weight is read (E = 1, slots -1 and 1). */
    @Test
    void everyExpertOutside() {
        Data data = Data.fresh();
        Shape s = new Shape(5, 16, 8, 1, 2, Pick.REPEATS);
        try (Layer l = new Layer(device(), DType.F32, s, data); Tensor e = device().tensor(new int[] {-1, 1, 1, -1, 7, 9, -5, 1, 1, 1}, 5, 2);
             Tensor out = Ops.moe(l.tx, new Routing(l.routing.weights(), e), l.tg, l.tu, l.td)) {
            Check.equal("moe with every expert outside [0, E)", out.toFloatArray(), new float[5 * 16], data);
        }
    }

    /** Routing made by topKGating on the same device from random logits, renormalized or not. */
    @ParameterizedTest(name = "moe after topKGating {0}")
    @FieldSource("FLOATS")
    void routedByTopKGating(DType dtype) {
        Data data = Data.fresh();
        Shape s = new Shape(70, 48, 40, 8, 2, Pick.EVERY);
        for (boolean renormalize : new boolean[] {false, true}) {
            try (Layer l = new Layer(device(), dtype, s, data);
                 Tensor logits = Data.tensor(device(), dtype, data.normal(s.tokens() * s.experts(), 2), s.tokens(), s.experts());
                 Routing r = Ops.topKGating(logits, s.k(), renormalize);
                 Tensor out = Ops.moe(l.tx, r, l.tg, l.tu, l.td)) {
                double[] ref = Reference64.moe(l.x, r.weights().toFloatArray(), r.experts().toIntArray(), l.gate, l.up, l.down,
                        s.tokens(), s.hidden(), s.ffn(), s.experts(), s.k());
                Check.close("moe after topKGating " + dtype + " renormalize=" + renormalize, out.toFloatArray(), ref,
                        tolerance(dtype), data);
            }
        }
    }

    /** The out overload into out poisoned with NaN, and into x itself. */
    @ParameterizedTest(name = "moe(..., out) {0}, out poisoned, and out = x")
    @FieldSource("FLOATS")
    void intoOut(DType dtype) {
        Data data = Data.fresh();
        Shape s = new Shape(19, 40, 28, 6, 2, Pick.OUTSIDE);
        try (Layer l = new Layer(device(), dtype, s, data);
             Tensor out = Data.tensor(device(), dtype, Data.filled(s.tokens() * s.hidden(), Float.NaN), s.tokens(), s.hidden())) {
            double[] ref = l.reference();
            Ops.moe(l.tx, l.routing, l.tg, l.tu, l.td, out);
            Check.close("moe(..., out) " + dtype + ", out poisoned", out.toFloatArray(), ref, tolerance(dtype), data);
            Ops.moe(l.tx, l.routing, l.tg, l.tu, l.td, l.tx);
            Check.close("moe(..., x) " + dtype + " (out = x)", l.tx.toFloatArray(), ref, tolerance(dtype), data);
        }
    }

    /** The same inputs twice give the same bits, at a size where the backends split the work. */
    @ParameterizedTest(name = "moe twice, the same bits, {0}")
    @FieldSource("FLOATS")
    void sameBitsTwice(DType dtype) {
        Data data = Data.fresh();
        Shape s = new Shape(200, 96, 80, 8, 2, Pick.EVERY);
        try (Layer l = new Layer(device(), dtype, s, data)) {
            int[] first, second;
            try (Tensor out = Ops.moe(l.tx, l.routing, l.tg, l.tu, l.td)) {
                first = Raw.bits(out);
            }
            try (Tensor out = Ops.moe(l.tx, l.routing, l.tg, l.tu, l.td)) {
                second = Raw.bits(out);
            }
            assertArrayEquals(first, second, "moe " + dtype + " is not deterministic; " + data.describe());
        }
    }

    @Test
    void emptyAndInvalid() {
        Data data = Data.fresh();
        try (Layer l = new Layer(device(), DType.F32, new Shape(4, 8, 6, 3, 2, Pick.EVERY), data);
             Tensor x0 = device().zeros(DType.F32, 0, 8); Tensor w0 = device().zeros(DType.F32, 0, 2);
             Tensor e0 = device().zeros(DType.I32, 0, 2); Routing r0 = new Routing(w0, e0);
             Tensor empty = Ops.moe(x0, r0, l.tg, l.tu, l.td);
             Tensor badX = device().zeros(DType.F32, 4, 9); Tensor half = device().zeros(DType.F16, 4, 8);
             Tensor badDown = device().zeros(DType.F32, 3, 6, 8)) {
            assertArrayEquals(new long[] {0, 8}, empty.shape());
            expect("moe", () -> Ops.moe(badX, l.routing, l.tg, l.tu, l.td));
            expect("moe", () -> Ops.moe(half, l.routing, l.tg, l.tu, l.td));
            expect("moe", () -> Ops.moe(l.tx, l.routing, l.tg, l.tu, badDown));
            expect("moe", () -> Ops.moe(l.tx, l.routing, l.tg, l.tg, l.tg));
            expect("moe", () -> Ops.moe(l.tx, null, l.tg, l.tu, l.td));
            expect("moe", () -> Ops.moe(l.tx, new Routing(l.routing.experts(), l.routing.weights()), l.tg, l.tu, l.td));
            expect("moe", () -> Ops.moe(l.tx, l.routing, l.tg, l.tu, l.td, l.tg));
            expect("moe", () -> Ops.moe(l.tx, l.routing, l.tg, l.tu, l.td, half));
            expect("groupedMatmul", () -> Ops.groupedMatmul(l.tx, l.tg, l.routing.experts()));
            expect("groupedMatmul", () -> Ops.groupedMatmul(l.tx, badDown, l.routing.experts()));
            try (Tensor ends = device().tensor(new int[] {1, 2, 4}, 3)) {
                expect("groupedMatmul", () -> Ops.groupedMatmul(badX, l.tg, ends));
                expect("groupedMatmul", () -> Ops.groupedMatmul(l.tx, l.tg, l.routing.weights()));
                expect("groupedMatmul", () -> Ops.groupedMatmul(half, l.tg, ends));
            }
        }
    }

    private static void expect(String op, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(op + ": "), e.getMessage());
    }

    // ---------------------------------------------------------------- groupedMatmul

    static List<Object[]> groupShapes() {
        Object[][] s = { // N, K, M, groupEnds
            {1, 16, 8, new int[] {1}},
            {64, 33, 47, new int[] {10, 10, 30, 64}},               // an empty group
            {133, 65, 31, new int[] {0, 40, 41, 41, 99, 133}},
            {70, 127, 129, new int[] {70}},                         // one group
            {50, 24, 40, new int[] {20, 10, 45, 90}},               // decreasing, past N: clamped
            {40, 17, 9, new int[] {-5, 12, 30}},                    // negative; rows 30.. covered by no group: zeros
            {33, 8, 12, new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE}},
            {9, 0, 5, new int[] {4, 9}},                            // K = 0: zeros
        };
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (Object[] c : s) {
                cases.add(new Object[] {dtype, c[0], c[1], c[2], c[3]});
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "groupedMatmul {0} N={1} K={2} M={3} ends={4}")
    @MethodSource("groupShapes")
    void grouped(DType dtype, int rows, int inner, int cols, int[] ends) {
        Data data = Data.fresh();
        int groups = ends.length;
        float[] x = Data.roundTo(dtype, data.normal(rows * inner, 1));
        float[] w = Data.roundTo(dtype, data.normal(groups * cols * inner, 1 / Math.sqrt(Math.max(1, inner))));
        double[] want = Reference64.groupedMatmul(x, w, ends, rows, cols, inner);
        String what = "groupedMatmul " + dtype + " N=" + rows + " K=" + inner + " M=" + cols + " ends=" + java.util.Arrays.toString(ends);
        try (Tensor tx = Data.tensor(device(), dtype, x, rows, inner); Tensor tw = Data.tensor(device(), dtype, w, groups, cols, inner);
             Tensor te = device().tensor(ends, groups); Tensor out = Ops.groupedMatmul(tx, tw, te);
             Tensor poisoned = Data.tensor(device(), dtype, Data.filled(rows * cols, Float.NaN), rows, cols)) {
            assertArrayEquals(new long[] {rows, cols}, out.shape(), "groupedMatmul result shape");
            Check.close(what, out.toFloatArray(), want, Tolerances.accumulate(dtype), data);
            Ops.groupedMatmul(tx, tw, te, poisoned);
            Check.close(what + ", out poisoned", poisoned.toFloatArray(), want, Tolerances.accumulate(dtype), data);
        }
    }

    /** out = x (M = K): every row is read before any is written. */
    @ParameterizedTest(name = "groupedMatmul(x, w, ends, x) {0}")
    @FieldSource("FLOATS")
    void groupedIntoX(DType dtype) {
        Data data = Data.fresh();
        int rows = 45, inner = 32;
        int[] ends = {15, 15, 45};
        float[] x = Data.roundTo(dtype, data.normal(rows * inner, 1));
        float[] w = Data.roundTo(dtype, data.normal(3 * inner * inner, 0.2));
        try (Tensor tx = Data.tensor(device(), dtype, x, rows, inner); Tensor tw = Data.tensor(device(), dtype, w, 3, inner, inner);
             Tensor te = device().tensor(ends, 3)) {
            Ops.groupedMatmul(tx, tw, te, tx);
            Check.close("groupedMatmul into x " + dtype, tx.toFloatArray(), Reference64.groupedMatmul(x, w, ends, rows, inner, inner),
                    Tolerances.accumulate(dtype), data);
        }
    }
}
