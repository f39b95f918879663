package dev.panamax.cpu;

import dev.panamax.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;


/**
 * The two products of attention for a few query rows (decoding), on the Vector API, over a tile of
 * keys and values that the caller copied row-major to the heap as F32 (BF16 widened once there):
 * no tile is transposed, and the loops index arrays, not memory segments.
 * <ul>
 *   <li>{@link #scores}: the dot products of one query row with L keys. Each key's products
 *       are summed in one vector (lanes: slices of D), and the L vectors are reduced together by
 *       a tree of log2(L) levels: at each, pairs of vectors fold their halves (a blend, a lane
 *       swap and an add), so that after the last level lane j holds key j's sum. That is 15
 *       folds for 16 keys where one lane reduction per key would be 16, each a chain of four
 *       shuffles and adds. The order of the additions is fixed, so are the bits.</li>
 *   <li>{@link #scores2}: the same for two query rows, each load of K serving both.</li>
 *   <li>{@link #pv}: acc += p V, slices of D across the keys, each probability broadcast.</li>
 * </ul>
 * D must be a multiple of L ({@link #fits}).
 */
final class VectorDecode {
    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final int L = S.length();
    /** Keys a {@link #scores} call takes. */
    static final int LANES = L;
    /** For each fold width w (L / 2 down to 1): the lanes of the upper half of each 2w group, and the swap of halves. */
    private static final VectorMask<Float> M8 = L >= 16 ? upper(8) : null, M4 = L >= 8 ? upper(4) : null, M2 = upper(2),
            M1 = upper(1);
    private static final VectorShuffle<Float> X8 = L >= 16 ? swap(8) : null, X4 = L >= 8 ? swap(4) : null, X2 = swap(2),
            X1 = swap(1);
    /** The slot of key j among the L vectors the tree takes: the tree leaves slot i's sum in lane reverse(i). */
    private static final int[] SLOT = slots();

    private VectorDecode() {
    }

    /** Whether this class takes rows of t and width d here. */
    static boolean fits(DType t, int d) {
        return CpuSimd.VECTOR && (t == DType.F32 || t == DType.BF16) && (L == 4 || L == 8 || L == 16) && d % L == 0;
    }

    private static VectorMask<Float> upper(int w) {
        boolean[] bits = new boolean[L];
        for (int i = 0; i < L; i++) {
            bits[i] = (i / w) % 2 == 1;
        }
        return VectorMask.fromArray(S, bits, 0);
    }

    private static VectorShuffle<Float> swap(int w) {
        int[] to = new int[L];
        for (int i = 0; i < L; i++) {
            to[i] = i ^ w;
        }
        return VectorShuffle.fromArray(S, to, 0);
    }

    private static int[] slots() {
        int bits = Integer.numberOfTrailingZeros(L);
        int[] slot = new int[L];
        for (int j = 0; j < L; j++) {
            slot[j] = Integer.reverse(j) >>> (32 - bits);
        }
        return slot;
    }

    /**
     * s[sAt + j] = the dot product of q[qAt, qAt + d) with key j, for the count (1 to L) keys held
     * row-major in k from kAt; part (L * L floats) is scratch. Lanes past count are 0. Eight keys
     * at a time: eight independent chains of multiply-adds that share each load of q (with four,
     * the multiply-adds' latency bound the loop: 2-3 cycles a multiply-add in L1, against 0.6
     * with eight, on the AVX-512 Zen 5 guest).
     */
    static void scores(float[] q, int qAt, float[] k, int kAt, int d, int count, float[] part, float[] s, int sAt) {
        int j = 0;
        for (; j + 8 <= count; j += 8) {
            int at = kAt + j * d;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int c = 0; c < d; c += L) {
                FloatVector x = FloatVector.fromArray(S, q, qAt + c);
                int kc = at + c;
                a0 = x.fma(FloatVector.fromArray(S, k, kc), a0);
                a1 = x.fma(FloatVector.fromArray(S, k, kc + d), a1);
                a2 = x.fma(FloatVector.fromArray(S, k, kc + 2 * d), a2);
                a3 = x.fma(FloatVector.fromArray(S, k, kc + 3 * d), a3);
                a4 = x.fma(FloatVector.fromArray(S, k, kc + 4 * d), a4);
                a5 = x.fma(FloatVector.fromArray(S, k, kc + 5 * d), a5);
                a6 = x.fma(FloatVector.fromArray(S, k, kc + 6 * d), a6);
                a7 = x.fma(FloatVector.fromArray(S, k, kc + 7 * d), a7);
            }
            a0.intoArray(part, SLOT[j] * L);
            a1.intoArray(part, SLOT[j + 1] * L);
            a2.intoArray(part, SLOT[j + 2] * L);
            a3.intoArray(part, SLOT[j + 3] * L);
            a4.intoArray(part, SLOT[j + 4] * L);
            a5.intoArray(part, SLOT[j + 5] * L);
            a6.intoArray(part, SLOT[j + 6] * L);
            a7.intoArray(part, SLOT[j + 7] * L);
        }
        for (; j < count; j++) {
            int at = kAt + j * d;
            FloatVector a = FloatVector.zero(S);
            for (int c = 0; c < d; c += L) {
                a = FloatVector.fromArray(S, q, qAt + c).fma(FloatVector.fromArray(S, k, at + c), a);
            }
            a.intoArray(part, SLOT[j] * L);
        }
        for (j = count; j < L; j++) {
            FloatVector.zero(S).intoArray(part, SLOT[j] * L);
        }
        reduce(part, 0);
        FloatVector.fromArray(S, part, 0).intoArray(s, sAt);
    }

    /**
     * The tree over the L vectors from part[at], in place: afterwards the first one's lane j is
     * the sum of the vector that was in slot SLOT[j].
     */
    private static void reduce(float[] part, int at) {
        int n = L;
        if (L >= 16) {
            fold(part, at, n, M8, X8);
            n /= 2;
        }
        if (L >= 8) {
            fold(part, at, n, M4, X4);
            n /= 2;
        }
        fold(part, at, n, M2, X2);
        n /= 2;
        fold(part, at, n, M1, X1);
    }

    /**
     * One level: vectors 2i and 2i + 1 of the n in part become vector i, whose lower half of each
     * 2w-lane group is the sum of the two halves of that group of vector 2i, and the upper half
     * that of vector 2i + 1.
     */
    private static void fold(float[] part, int at, int n, VectorMask<Float> upper, VectorShuffle<Float> swap) {
        for (int i = 0; i < n / 2; i++) {
            FloatVector x = FloatVector.fromArray(S, part, at + 2 * i * L);
            FloatVector y = FloatVector.fromArray(S, part, at + (2 * i + 1) * L);
            x.blend(y, upper).add(y.blend(x, upper).rearrange(swap)).intoArray(part, at + i * L);
        }
    }

    /**
     * {@link #scores} for two query rows at once (q at qAt0 and qAt1, into s at sAt0 and sAt1),
     * each load of K serving both; part holds 2 * L * L floats. The bits are {@link #scores}'s.
     */
    static void scores2(float[] q, int qAt0, int qAt1, float[] k, int kAt, int d, int count, float[] part, float[] s,
                        int sAt0, int sAt1) {
        int j = 0;
        for (; j + 4 <= count; j += 4) {
            int at = kAt + j * d;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int c = 0; c < d; c += L) {
                FloatVector x = FloatVector.fromArray(S, q, qAt0 + c), y = FloatVector.fromArray(S, q, qAt1 + c);
                int kc = at + c;
                FloatVector k0 = FloatVector.fromArray(S, k, kc);
                FloatVector k1 = FloatVector.fromArray(S, k, kc + d);
                FloatVector k2 = FloatVector.fromArray(S, k, kc + 2 * d);
                FloatVector k3 = FloatVector.fromArray(S, k, kc + 3 * d);
                a0 = x.fma(k0, a0);
                b0 = y.fma(k0, b0);
                a1 = x.fma(k1, a1);
                b1 = y.fma(k1, b1);
                a2 = x.fma(k2, a2);
                b2 = y.fma(k2, b2);
                a3 = x.fma(k3, a3);
                b3 = y.fma(k3, b3);
            }
            a0.intoArray(part, SLOT[j] * L);
            b0.intoArray(part, L * L + SLOT[j] * L);
            a1.intoArray(part, SLOT[j + 1] * L);
            b1.intoArray(part, L * L + SLOT[j + 1] * L);
            a2.intoArray(part, SLOT[j + 2] * L);
            b2.intoArray(part, L * L + SLOT[j + 2] * L);
            a3.intoArray(part, SLOT[j + 3] * L);
            b3.intoArray(part, L * L + SLOT[j + 3] * L);
        }
        for (; j < count; j++) {
            int at = kAt + j * d;
            FloatVector a = FloatVector.zero(S), b = a;
            for (int c = 0; c < d; c += L) {
                FloatVector kv = FloatVector.fromArray(S, k, at + c);
                a = FloatVector.fromArray(S, q, qAt0 + c).fma(kv, a);
                b = FloatVector.fromArray(S, q, qAt1 + c).fma(kv, b);
            }
            a.intoArray(part, SLOT[j] * L);
            b.intoArray(part, L * L + SLOT[j] * L);
        }
        for (j = count; j < L; j++) {
            FloatVector.zero(S).intoArray(part, SLOT[j] * L);
            FloatVector.zero(S).intoArray(part, L * L + SLOT[j] * L);
        }
        reduce(part, 0);
        reduce(part, L * L);
        FloatVector.fromArray(S, part, 0).intoArray(s, sAt0);
        FloatVector.fromArray(S, part, L * L).intoArray(s, sAt1);
    }

    /**
     * acc[accAt + c] += sum over j &lt; keys of p[pAt + j] * v[vAt + j * d + c], for c &lt; d, the
     * values held row-major in v: four slices of d at a time where d allows, the even and the odd
     * keys in chains of their own (eight chains of multiply-adds), added to acc at the end; then
     * one slice at a time.
     */
    static void pv(float[] p, int pAt, int keys, float[] v, int vAt, int d, float[] acc, int accAt) {
        int c = 0;
        for (; c + 4 * L <= d; c += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int at = vAt + c;
            int j = 0;
            for (; j + 2 <= keys; j += 2, at += 2 * d) {
                FloatVector w = FloatVector.broadcast(S, p[pAt + j]), u = FloatVector.broadcast(S, p[pAt + j + 1]);
                a0 = FloatVector.fromArray(S, v, at).fma(w, a0);
                a1 = FloatVector.fromArray(S, v, at + L).fma(w, a1);
                a2 = FloatVector.fromArray(S, v, at + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(S, v, at + 3 * L).fma(w, a3);
                b0 = FloatVector.fromArray(S, v, at + d).fma(u, b0);
                b1 = FloatVector.fromArray(S, v, at + d + L).fma(u, b1);
                b2 = FloatVector.fromArray(S, v, at + d + 2 * L).fma(u, b2);
                b3 = FloatVector.fromArray(S, v, at + d + 3 * L).fma(u, b3);
            }
            if (j < keys) {
                FloatVector w = FloatVector.broadcast(S, p[pAt + j]);
                a0 = FloatVector.fromArray(S, v, at).fma(w, a0);
                a1 = FloatVector.fromArray(S, v, at + L).fma(w, a1);
                a2 = FloatVector.fromArray(S, v, at + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(S, v, at + 3 * L).fma(w, a3);
            }
            FloatVector.fromArray(S, acc, accAt + c).add(a0.add(b0)).intoArray(acc, accAt + c);
            FloatVector.fromArray(S, acc, accAt + c + L).add(a1.add(b1)).intoArray(acc, accAt + c + L);
            FloatVector.fromArray(S, acc, accAt + c + 2 * L).add(a2.add(b2)).intoArray(acc, accAt + c + 2 * L);
            FloatVector.fromArray(S, acc, accAt + c + 3 * L).add(a3.add(b3)).intoArray(acc, accAt + c + 3 * L);
        }
        for (; c < d; c += L) {
            FloatVector a = FloatVector.zero(S);
            int at = vAt + c;
            for (int j = 0; j < keys; j++, at += d) {
                a = FloatVector.fromArray(S, v, at).fma(FloatVector.broadcast(S, p[pAt + j]), a);
            }
            FloatVector.fromArray(S, acc, accAt + c).add(a).intoArray(acc, accAt + c);
        }
    }
}
