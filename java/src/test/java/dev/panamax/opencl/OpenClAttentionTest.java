package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Both attention paths against the float64 reference: tiled (Sq &gt; 16) and decode (Sq &lt;= 16,
 * keys split across work-groups), causal and not, GQA, D from 1 to 256, Sq &gt; Skv (queries
 * that see no key), every dtype.
 */
class OpenClAttentionTest extends OpenClDeviceTest {
    @ParameterizedTest(name = "{0} B={1} Hq={2} Hkv={3} Sq={4} Skv={5} D={6} causal={7}")
    @CsvSource({
        // tiled
        "F32, 1, 2, 2, 17, 17, 64, true",
        "F32, 2, 4, 2, 40, 77, 33, false",
        "F32, 1, 3, 1, 33, 100, 7, true",
        "F32, 1, 1, 1, 50, 20, 16, true",   // Sq > Skv: the first 30 queries see no key
        "F32, 1, 2, 1, 20, 45, 256, true",
        "F16, 1, 2, 1, 35, 60, 130, true",
        "BF16, 2, 2, 2, 18, 31, 64, false",
        // decode
        "F32, 1, 4, 1, 1, 1, 64, true",
        "F32, 2, 8, 2, 1, 300, 128, true",
        "F32, 1, 4, 4, 3, 257, 1, false",
        "F32, 1, 2, 1, 16, 500, 40, true",
        "F32, 1, 1, 1, 9, 4, 256, true",     // Sq > Skv on the decode path
        "F16, 1, 6, 2, 1, 1000, 96, false",
        "BF16, 1, 2, 1, 2, 129, 256, true",
    })
    void matchesReference(DType dtype, int b, int hq, int hkv, int sq, int skv, int d, boolean causal) {
        Data data = Data.fresh();
        float[] q = Data.roundTo(dtype, data.normal(b * hq * sq * d, 1));
        float[] k = Data.roundTo(dtype, data.normal(b * hkv * skv * d, 1));
        float[] v = Data.roundTo(dtype, data.normal(b * hkv * skv * d, 1));
        double scale = 1.0 / Math.sqrt(d);
        try (Tensor tq = Data.tensor(device, dtype, q, b, hq, sq, d);
             Tensor tk = Data.tensor(device, dtype, k, b, hkv, skv, d);
             Tensor tv = Data.tensor(device, dtype, v, b, hkv, skv, d);
             Tensor out = Ops.attention(tq, tk, tv, causal)) {
            double[] ref = Reference64.attention(q, k, v, b, hq, hkv, sq, skv, d, causal, (float) scale);
            Check.close("attention " + dtype + " B=" + b + " Hq=" + hq + " Hkv=" + hkv + " Sq=" + sq + " Skv=" + skv
                    + " D=" + d + " causal=" + causal, out.toFloatArray(), ref, Tolerances.accumulate(dtype), data);
        }
    }

    @Test
    void customScaleAndLargeScores() {
        Data data = Data.fresh();
        int b = 1, h = 2, sq = 20, skv = 70, d = 32;
        float[] q = data.normal(b * h * sq * d, 4);
        float[] k = data.normal(b * h * skv * d, 4);
        float[] v = data.normal(b * h * skv * d, 1);
        for (int sqCase : new int[] {1, sq}) {
            float[] qs = java.util.Arrays.copyOf(q, b * h * sqCase * d);
            try (Tensor tq = device.tensor(qs, b, h, sqCase, d); Tensor tk = device.tensor(k, b, h, skv, d);
                 Tensor tv = device.tensor(v, b, h, skv, d); Tensor out = Ops.attention(tq, tk, tv, false, 0.9f)) {
                double[] ref = Reference64.attention(qs, k, v, b, h, h, sqCase, skv, d, false, 0.9f);
                Check.close("attention scale 0.9, Sq=" + sqCase, out.toFloatArray(), ref,
                        Tolerances.attention(DType.F32, qs, k, b, h, h, sqCase, skv, d, 0.9), data);
            }
        }
    }

    @Test
    void keysPerTileFitLocalMemory() {
        assertEquals(32, ClAttention.keysPerTile(64 * 1024, 256));
        assertEquals(16, ClAttention.keysPerTile(48 * 1024, 256));
        assertEquals(8, ClAttention.keysPerTile(32 * 1024, 256));
        assertEquals(32, ClAttention.keysPerTile(32 * 1024, 128));
    }
}
