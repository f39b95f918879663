package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The work-groups' striding loops over grid dimensions 1 and 2, which real shapes reach only past
 * 65535 work-groups there (4M-row GEMMs, 65536 batches, 1M-query attention): with the cap lowered
 * to 2, small shapes take them.
 */
class OpenClGridStrideTest extends OpenClDeviceTest {
    private OpenClKernels kernels;

    @BeforeEach
    void capGrid() {
        kernels = (OpenClKernels) backend().kernels();
        kernels.capGroupsYZ(2);
    }

    @AfterEach
    void restoreGrid() {
        kernels.capGroupsYZ(OpenClKernels.MAX_GROUPS_Y_Z);
    }

    @Test
    void gemmStridesOverRowTilesAndBatches() {
        Data data = Data.fresh();
        OpenClGemmTest.run(data, DType.F32, DType.F32, 5, 300, 70, 33, false, true, true, 1.0f, 0.0f); // 5 row tiles, 5 batches
        OpenClGemmTest.run(data, DType.BF16, DType.F32, 3, 130, 9, 20, true, false, false, 0.5f, 2.0f);
    }

    @Test
    void attentionStridesOverQueryBlocks() {
        Data data = Data.fresh();
        int b = 1, hq = 4, hkv = 2, sq = 100, skv = 120, d = 24; // 7 query blocks
        float[] q = data.normal(b * hq * sq * d, 1);
        float[] k = data.normal(b * hkv * skv * d, 1);
        float[] v = data.normal(b * hkv * skv * d, 1);
        try (Tensor tq = device.tensor(q, b, hq, sq, d); Tensor tk = device.tensor(k, b, hkv, skv, d);
             Tensor tv = device.tensor(v, b, hkv, skv, d); Tensor out = Ops.attention(tq, tk, tv, true)) {
            double[] ref = Reference64.attention(q, k, v, b, hq, hkv, sq, skv, d, true, (float) (1 / Math.sqrt(d)));
            Check.close("attention, query blocks strided", out.toFloatArray(), ref, Tolerances.accumulate(DType.F32), data);
        }
    }
}
