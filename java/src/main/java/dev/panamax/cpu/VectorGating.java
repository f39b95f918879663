package dev.panamax.cpu;

import dev.panamax.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * MoE top-k gating on the Vector API, one group of L tokens per step, a token in each lane. A
 * token's row of E logits is short (8 to 256), so working along it leaves most of each step to
 * fixed costs: a lane reduction, a selector's branches, a few dependent adds per token. Here the
 * group's logits are turned expert-major ([E][L], expert e of every token in one vector) and each
 * step is a lane-wise operation over the E vectors.
 *
 * <p>Selection follows {@link TopKSelector}'s rule: the ordering key of {@link TopKSelector#key}
 * (NaN above everything, -0.0 as 0.0), ties to the lower index. Pass j keeps, per lane, the
 * largest key seen over e ascending with a strict comparison (so the lowest index wins a tie), in
 * four chains over the experts merged by the same rule, then marks each lane's chosen expert with a key below every float's. Unless renormalized, the
 * weights are those of {@link CpuTopK}'s scalar path: the max over the row (NaN if any is NaN), e = exp(x - max) by
 * {@link VectorExp#exp}, the sum of every e (in float, blocks of {@link #SUM_BLOCK} experts, then the blocks), inv = 1 / sum,
 * weight = exp(x_selected - max) * inv; a row all -inf gives zeros, one with NaN or +inf NaN.
 * Renormalized weights skip the row's sum (it cancels): exp(x_selected - max) times 1 / their sum,
 * and a row all -inf (sum 0) keeps its zeros.
 */
final class VectorGating {
    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
    /**
     * Experts per partial sum of the softmax's denominator. One float chain over E = 4,096 experts
     * missed the F32 tolerance (2.1e-6 against 2e-6); two levels of 64 keep each chain short.
     */
    private static final int SUM_BLOCK = 64;
    /** Below every key of a float: a chosen expert's mark. */
    private static final int TAKEN = Integer.MIN_VALUE;

    /** Per thread: the group's logits row-major, expert-major, their keys, and the chosen [k][L]. */
    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[4][0]);
    private static final ThreadLocal<int[][]> INTS = ThreadLocal.withInitial(() -> new int[2][0]);

    private VectorGating() {
    }

    /** Tokens per group: one per lane. */
    static int group() {
        return L;
    }

    /**
     * Tokens [t0, t0 + g) (g &lt;= L) of logits [tokens, e] (dtype t) into weights [tokens, k] F32 and
     * experts [tokens, k] I32.
     */
    static void tokens(MemorySegment logits, DType t, long t0, int g, int e, int k, boolean renormalize,
                       MemorySegment weights, MemorySegment experts) {
        float[][] f = FLOATS.get();
        int[][] n = INTS.get();
        if (f[0].length < L * e || f[2].length < L * k) {
            f[0] = new float[L * e];
            f[1] = new float[L * e];
            f[2] = new float[L * k];
            f[3] = new float[2 * L];
            n[0] = new int[L * e];
            n[1] = new int[L * k];
        }
        float[] rows = f[0], cols = f[1], w = f[2], stat = f[3];
        int[] keys = n[0], chosen = n[1];
        Elements.load(logits, t, t0 * e, rows, 0, g * e);
        for (int lane = g; lane < L; lane++) { // lanes past the group: a row of zeros, never stored
            java.util.Arrays.fill(rows, lane * e, (lane + 1) * e, 0f);
        }
        VectorElements.transpose(rows, 0, e, L, e, cols, 0, L); // expert-major: cols[x * L + lane]
        // keys, and the max over the row
        FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int x = 0; x < e; x++) {
            FloatVector v = FloatVector.fromArray(S, cols, x * L);
            max = max.max(v);
            IntVector bits = v.add(0f).reinterpretAsInts();
            IntVector key = bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31).and(0x7FFF_FFFF));
            key.blend(Integer.MAX_VALUE, v.test(VectorOperators.IS_NAN).cast(I)).intoArray(keys, x * L);
        }
        max.intoArray(stat, 0);
        // selection, pass by pass
        for (int j = 0; j < k; j++) {
            // four chains over the experts x = c mod 4 (each in ascending x, so the lowest index
            // wins a tie within a chain), merged with the same rule: one chain's compare and blend
            // waited on the last, four at once keep the vector units busy
            IntVector b0 = IntVector.broadcast(I, TAKEN), b1 = b0, b2 = b0, b3 = b0;
            IntVector a0 = IntVector.zero(I), a1 = a0, a2 = a0, a3 = a0;
            int x = 0;
            for (; x + 4 <= e; x += 4) {
                IntVector k0 = IntVector.fromArray(I, keys, x * L), k1 = IntVector.fromArray(I, keys, (x + 1) * L);
                IntVector k2 = IntVector.fromArray(I, keys, (x + 2) * L), k3 = IntVector.fromArray(I, keys, (x + 3) * L);
                VectorMask<Integer> m0 = k0.compare(VectorOperators.GT, b0), m1 = k1.compare(VectorOperators.GT, b1);
                VectorMask<Integer> m2 = k2.compare(VectorOperators.GT, b2), m3 = k3.compare(VectorOperators.GT, b3);
                b0 = b0.blend(k0, m0);
                b1 = b1.blend(k1, m1);
                b2 = b2.blend(k2, m2);
                b3 = b3.blend(k3, m3);
                a0 = a0.blend(x, m0);
                a1 = a1.blend(x + 1, m1);
                a2 = a2.blend(x + 2, m2);
                a3 = a3.blend(x + 3, m3);
            }
            for (; x < e; x++) { // the last experts, above every index of chain 0 so far
                IntVector key = IntVector.fromArray(I, keys, x * L);
                VectorMask<Integer> above = key.compare(VectorOperators.GT, b0);
                b0 = b0.blend(key, above);
                a0 = a0.blend(x, above);
            }
            // merge: the larger key, on a tie the lower index
            VectorMask<Integer> t1 = ranksAbove(b0, a0, b1, a1), t3 = ranksAbove(b2, a2, b3, a3);
            b0 = b0.blend(b1, t1);
            a0 = a0.blend(a1, t1);
            b2 = b2.blend(b3, t3);
            a2 = a2.blend(a3, t3);
            IntVector at = a0.blend(a2, ranksAbove(b0, a0, b2, a2));
            at.intoArray(chosen, j * L);
            for (int lane = 0; lane < L; lane++) {
                keys[chosen[j * L + lane] * L + lane] = TAKEN;
            }
        }
        for (int j = 0; j < k; j++) { // the chosen experts' logits
            for (int lane = 0; lane < L; lane++) {
                w[j * L + lane] = cols[chosen[j * L + lane] * L + lane];
            }
        }
        if (!renormalize) { // renormalized weights divide by the chosen ones' sum: the row's sum cancels
            expSum(cols, e, stat);
        }
        weigh(w, k, stat, renormalize);
        for (int lane = 0; lane < g; lane++) {
            long at = (t0 + lane) * k;
            for (int j = 0; j < k; j++) {
                weights.setAtIndex(ValueLayout.JAVA_FLOAT, at + j, w[j * L + lane]);
                experts.setAtIndex(ValueLayout.JAVA_INT, at + j, chosen[j * L + lane]);
            }
        }
    }

    /** Lanes where (key1, at1) ranks above (key0, at0): a larger key, or the same key at a lower index. */
    private static VectorMask<Integer> ranksAbove(IntVector key0, IntVector at0, IntVector key1, IntVector at1) {
        return key1.compare(VectorOperators.GT, key0)
                .or(key1.compare(VectorOperators.EQ, key0).and(at1.compare(VectorOperators.LT, at0)));
    }

    /*
     * The exps live in methods of their own, each a loop around one call of VectorExp.exp, which C2
     * inlines there. Inside tokens, and with two calls in one loop, exp was called with boxed
     * vectors (a profile of the bench: allocations of Float512Vector and float[] in that loop; E =
     * 64, k = 2: 266-318 us with two calls, 154-217 with one).
     */

    /** stat[L, 2L) = the sum over the e experts of exp(cols[x] - max), max at stat[0, L). */
    private static void expSum(float[] cols, int e, float[] stat) {
        FloatVector max = FloatVector.fromArray(S, stat, 0);
        FloatVector sum = FloatVector.zero(S);
        for (int x0 = 0; x0 < e; x0 += SUM_BLOCK) { // blocks of experts, then the blocks: two short chains of roundings
            FloatVector block = FloatVector.zero(S);
            for (int x = x0, end = Math.min(e, x0 + SUM_BLOCK); x < end; x++) {
                block = block.add(VectorExp.exp(FloatVector.fromArray(S, cols, x * L).sub(max)));
            }
            sum = sum.add(block);
        }
        sum.intoArray(stat, L);
    }

    /**
     * w [k][L]: the chosen logits in, their weights out (max in stat, and the sum unless
     * renormalizing: then each weight is exp(x - max) over the chosen ones' sum of it, which is p
     * over the chosen p's sum without the row's sum, read only to cancel).
     */
    private static void weigh(float[] w, int k, float[] stat, boolean renormalize) {
        FloatVector max = FloatVector.fromArray(S, stat, 0);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector inv = renormalize ? one : one.div(FloatVector.fromArray(S, stat, L));
        VectorMask<Float> none = max.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY);
        VectorMask<Float> undefined = max.test(VectorOperators.IS_NAN).or(max.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < k; j++) {
            FloatVector p = VectorExp.exp(FloatVector.fromArray(S, w, j * L).sub(max)).mul(inv)
                    .blend(0f, none).blend(Float.NaN, undefined);
            p.intoArray(w, j * L);
            sum = sum.add(p);
        }
        if (renormalize) {
            FloatVector norm = FloatVector.broadcast(S, 1f).div(sum);
            VectorMask<Float> zero = sum.compare(VectorOperators.EQ, 0f);
            for (int j = 0; j < k; j++) {
                FloatVector.fromArray(S, w, j * L).mul(norm).blend(0f, zero).intoArray(w, j * L);
            }
        }
    }
}
