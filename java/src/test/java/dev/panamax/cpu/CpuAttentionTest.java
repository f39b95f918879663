package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The CPU flash attention against the float64 reference: causal, GQA, decode splits, edges. */
class CpuAttentionTest {
    private final Device cpu = Device.cpu();

    private void check(DType dtype, int batch, int hq, int hkv, int sq, int skv, int d, boolean causal) {
        Data data = Data.fresh();
        float[] q = Data.roundTo(dtype, data.normal(batch * hq * sq * d, 1));
        float[] k = Data.roundTo(dtype, data.normal(batch * hkv * skv * d, 1));
        float[] v = Data.roundTo(dtype, data.normal(batch * hkv * skv * d, 1));
        float[] out;
        try (Tensor tq = Data.tensor(cpu, dtype, q, batch, hq, sq, d);
             Tensor tk = Data.tensor(cpu, dtype, k, batch, hkv, skv, d);
             Tensor tv = Data.tensor(cpu, dtype, v, batch, hkv, skv, d);
             Tensor o = Ops.attention(tq, tk, tv, causal)) {
            out = o.toFloatArray();
        }
        double[] ref = Reference64.attention(q, k, v, batch, hq, hkv, sq, skv, d, causal, 1 / Math.sqrt(d));
        Check.close("attention " + dtype + " B" + batch + " Hq" + hq + " Hkv" + hkv + " Sq" + sq + " Skv" + skv + " D" + d
                + (causal ? " causal" : ""), out, ref, Tolerances.accumulate(dtype), data);
    }

    @Test
    void shapes() {
        for (boolean causal : new boolean[] {false, true}) {
            check(DType.F32, 1, 1, 1, 1, 1, 1, causal);
            check(DType.F32, 2, 4, 2, 7, 33, 17, causal);
            check(DType.F32, 1, 2, 1, 33, 7, 64, causal); // Sq > Skv: early queries see no key when causal
            check(DType.F32, 1, 1, 1, 130, 130, 256, causal);
            check(DType.F32, 1, 3, 3, 65, 200, 33, causal);
            check(DType.F32, 2, 6, 2, 100, 127, 8, causal);
        }
    }

    @Test
    void decodeSplitsOverKeys() {
        check(DType.F32, 1, 1, 1, 1, 1000, 128, false);
        check(DType.F32, 1, 8, 2, 1, 2049, 64, true);
        check(DType.F32, 2, 4, 4, 3, 3000, 16, true);
        check(DType.F32, 1, 2, 1, 1, 5, 7, false);
    }

    /**
     * Few query rows per kv head (G * Sq up to CpuAttention.FEW_ROWS) read K and V in place: up to
     * 16 rows, causal with Sq &gt; 1, key counts that end inside a group of keys and inside a
     * tile, head sizes of one to eight vectors, BF16; and just past 16 rows, the tiled path.
     */
    @Test
    void fewRowsInPlace() {
        check(DType.F32, 1, 8, 2, 4, 300, 64, true);   // 16 rows, causal, queries at different keys
        check(DType.F32, 2, 16, 1, 1, 1000, 128, false); // 16 heads share one kv head
        check(DType.F32, 1, 4, 4, 1, 13, 16, true);    // fewer keys than a group
        check(DType.F32, 1, 2, 1, 3, 77, 48, true);    // a tile ending mid-group, 3 slices of D
        check(DType.F32, 1, 6, 2, 2, 129, 80, false);
        check(DType.BF16, 1, 8, 2, 2, 450, 128, true);
        check(DType.BF16, 1, 2, 2, 1, 33, 64, false);
        check(DType.F32, 1, 17, 1, 1, 300, 64, false); // 17 rows: tiles
    }

    @Test
    void noKeys() {
        check(DType.F32, 1, 2, 1, 5, 0, 8, false);
        check(DType.F32, 1, 2, 1, 5, 0, 8, true);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void sixteenBit(DType dtype) {
        check(dtype, 1, 4, 2, 70, 90, 64, true);
        check(dtype, 1, 4, 1, 1, 700, 32, false);
    }

    @Test
    void sameBitsWhateverTheThreads() {
        Data data = Data.fresh();
        int hq = 4, hkv = 2, sq = 1, skv = 3000, d = 32;
        float[] q = data.normal(hq * sq * d, 1), k = data.normal(hkv * skv * d, 1), v = data.normal(hkv * skv * d, 1);
        assertArrayEquals(KernelRun.attention(1, q, k, v, hq, hkv, sq, skv, d, true),
                KernelRun.attention(3, q, k, v, hq, hkv, sq, skv, d, true), data.describe());
        int sq2 = 200;
        float[] q2 = data.normal(hq * sq2 * d, 1);
        assertArrayEquals(KernelRun.attention(1, q2, k, v, hq, hkv, sq2, skv, d, true),
                KernelRun.attention(2, q2, k, v, hq, hkv, sq2, skv, d, true), data.describe());
    }
}
