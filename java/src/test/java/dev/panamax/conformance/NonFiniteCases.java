package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rule for non-finite inputs: a NaN or +Inf that reaches a sum, a max or an exp gives what
 * IEEE arithmetic gives there, on every backend and on every path of a kernel (short rows and
 * long ones, vector bodies and tails, prefill tiles and split-KV decode). Scores are F32: a score
 * that overflows F32 is +Inf (q·k of 1e40, or a scale of 3e38), and a row whose max score is
 * +Inf is NaN (+Inf − +Inf); the float64 reference, which does not overflow there, is used with
 * that one change. No kernel may hide a NaN by skipping the tile, the split or the vector that holds it.
 */
@Covers({"softmax", "attention"})
abstract class NonFiniteCases extends DeviceCases {

    // ---------------------------------------------------------------- softmax

    /** Row lengths of the scalar path, one vector, a vector body with a tail, and the long-row path. */
    static List<Object[]> softmaxRows() {
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (int cols : new int[] {1, 7, 16, 33, 1000, 4096, 16385, 100003}) {
                for (float special : new float[] {Float.POSITIVE_INFINITY, Float.NaN}) {
                    cases.add(new Object[] {dtype, cols, special});
                }
            }
        }
        return cases;
    }

    /**
     * Rows of normal values with one special value at the first, a middle, and the last position,
     * and a row with two +Inf; every other row finite (it must stay exact to the reference).
     */
    @ParameterizedTest(name = "softmax {0} cols={1} with {2}")
    @MethodSource("softmaxRows")
    void softmax(DType dtype, int cols, float special) {
        Data data = Data.fresh();
        int rows = 9;
        float[] x = Data.roundTo(dtype, data.normal(rows * cols, 2));
        int[] at = {0, cols / 2, cols - 1};
        for (int r = 0; r < at.length; r++) {
            x[2 * r * cols + at[r]] = special;
        }
        x[6 * cols] = special;
        x[6 * cols + cols - 1] = special;
        double[] want = Reference64.softmax(x, rows, cols);
        try (Tensor tx = Data.tensor(device(), dtype, x, rows, cols); Tensor out = Ops.softmax(tx)) {
            Check.close("softmax " + dtype + " [" + rows + ", " + cols + "] with " + special, out.toFloatArray(), want,
                    Tolerances.softmax(dtype), data);
        }
    }

    // ---------------------------------------------------------------- attention

    /** What is put where: one value of q, a column of one key of k, a whole key, or a huge scale. */
    enum Poison { NAN_IN_Q, POSITIVE_INFINITY_IN_K, NEGATIVE_INFINITY_IN_K, NAN_IN_V, SCORE_OVERFLOW, SCALE_OVERFLOW }

    /** Prefill (Sq > 1, tiled) and decode (Sq = 1 over a cache long enough for split-KV), causal and not. */
    static List<Object[]> attentionCases() {
        List<Object[]> cases = new ArrayList<>();
        int[][] shapes = {{5, 300}, {1, 300}, {1, 4097}, {3, 4097}};
        for (Poison poison : Poison.values()) {
            for (int[] s : shapes) {
                for (boolean causal : new boolean[] {false, true}) {
                    cases.add(new Object[] {poison, DType.F32, s[0], s[1], causal});
                }
            }
            cases.add(new Object[] {poison, DType.BF16, 5, 300, true});
            cases.add(new Object[] {poison, DType.F16, 1, 4097, false});
        }
        return cases;
    }

    @ParameterizedTest(name = "attention {0} {1} Sq={2} Skv={3} causal={4}")
    @MethodSource("attentionCases")
    void attention(Poison poison, DType dtype, int sq, int skv, boolean causal) {
        Data data = Data.fresh();
        int batch = 2, hq = 4, hkv = 2, d = 64;
        float scale = poison == Poison.SCALE_OVERFLOW ? 3e38f : 0.125f;
        float[] q = data.normal(batch * hq * sq * d, 1);
        float[] k = data.normal(batch * hkv * skv * d, 1);
        float[] v = data.normal(batch * hkv * skv * d, 1);
        int key = Math.min(skv - 1, 2 * skv / 3); // a key every query of the causal cases sees
        long kvRow = ((long) 1 * hkv + 1) * skv + key; // batch 1, kv head 1
        int qRow = ((1 * hq + 2) * sq + sq - 1); // batch 1, head 2 (reads kv head 1), the last query
        switch (poison) {
            case NAN_IN_Q -> q[qRow * d + 5] = Float.NaN;
            case POSITIVE_INFINITY_IN_K -> {
                k[(int) (kvRow * d + 7)] = Float.POSITIVE_INFINITY;
                q[qRow * d + 7] = 1 + Math.abs(q[qRow * d + 7]); // at least this query's score is +Inf
            }
            case NEGATIVE_INFINITY_IN_K -> k[(int) (kvRow * d + 7)] = Float.NEGATIVE_INFINITY;
            case NAN_IN_V -> v[(int) (kvRow * d + 9)] = Float.NaN;
            case SCORE_OVERFLOW -> {
                // q·k of about 1e40 for one query and one key: +Inf in F32, finite in float64
                Arrays.fill(k, (int) (kvRow * d), (int) (kvRow * d + d), 1e19f);
                Arrays.fill(q, qRow * d, qRow * d + d, 1e19f);
            }
            case SCALE_OVERFLOW -> { }
        }
        // rounded as the device stores them (1e19 is +Inf in F16)
        q = Data.roundTo(dtype, q);
        k = Data.roundTo(dtype, k);
        v = Data.roundTo(dtype, v);
        double tolerance = Tolerances.attention(dtype, data.normal(q.length, 1), data.normal(k.length, 1), batch, hq, hkv,
                sq, skv, d, 0.125f);
        double[] want = Reference64.attention(q, k, v, batch, hq, hkv, sq, skv, d, causal, scale);
        overflowIsNaN(want, q, k, batch, hq, hkv, sq, skv, d, causal, scale);
        if (Arrays.stream(want).allMatch(Double::isFinite) && poison != Poison.NEGATIVE_INFINITY_IN_K) {
            throw new AssertionError(poison + ": the reference shows no non-finite row; the case tests nothing");
        }
        try (Tensor tq = Data.tensor(device(), dtype, q, batch, hq, sq, d);
             Tensor tk = Data.tensor(device(), dtype, k, batch, hkv, skv, d);
             Tensor tv = Data.tensor(device(), dtype, v, batch, hkv, skv, d);
             Tensor out = Ops.attention(tq, tk, tv, causal, scale)) {
            Check.close("attention " + poison + " " + dtype + " B=" + batch + " Hq=" + hq + " Hkv=" + hkv + " Sq=" + sq
                    + " Skv=" + skv + " D=" + d + (causal ? " causal" : "") + " scale=" + scale, out.toFloatArray(), want,
                    tolerance, data);
        }
    }

    /**
     * Makes NaN the rows of {@code want} where some visible score, rounded to F32, is +Inf or NaN:
     * what an F32 kernel gives there (its running max becomes +Inf, and +Inf − +Inf is NaN).
     */
    private static void overflowIsNaN(double[] want, float[] q, float[] k, int batch, int hq, int hkv, int sq, int skv,
                                      int d, boolean causal, float scale) {
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < hq; h++) {
                int kvHead = h / (hq / hkv);
                for (int i = 0; i < sq; i++) {
                    int qBase = ((b * hq + h) * sq + i) * d;
                    int last = causal ? i + skv - sq : skv - 1;
                    boolean overflow = false;
                    for (int j = 0; j <= last && !overflow; j++) {
                        int kBase = ((b * hkv + kvHead) * skv + j) * d;
                        double s = 0;
                        for (int c = 0; c < d; c++) {
                            s += (double) q[qBase + c] * k[kBase + c];
                        }
                        float f = (float) (s * scale);
                        overflow = f == Float.POSITIVE_INFINITY || Float.isNaN(f);
                    }
                    if (overflow) {
                        Arrays.fill(want, qBase, qBase + d, Double.NaN);
                    }
                }
            }
        }
    }
}
