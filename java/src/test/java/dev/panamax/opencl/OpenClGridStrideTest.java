package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Raw;
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

    // ---------------------------------------------------------------- embedding, rope, writeCache

    @Test
    void embeddingAndWriteCacheStrideOverRows() {
        Data data = Data.fresh();
        int vocab = 50, width = 8, n = 1000; // 128 rows per work-group: 8 groups' worth on 2
        float[] table = data.normal(vocab * width, 1);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = data.random().nextInt(-2, vocab + 2);
        }
        try (Tensor tt = device.tensor(table, vocab, width); Tensor ti = device.tensor(ids, n); Tensor out = Ops.embedding(tt, ti)) {
            Check.close("embedding, rows strided", out.toFloatArray(), Reference64.embedding(table, vocab, width, ids), 0, data);
        }
        int b = 2, h = 4, t = 50, smax = 60, d = 16; // 400 rows, 64 per work-group
        float[] src = data.normal(b * h * t * d, 1);
        float[] cache = data.normal(b * h * smax * d, 1);
        int[] starts = {3, -20};
        try (Tensor ts = device.tensor(src, b, h, t, d); Tensor tc = device.tensor(cache, b, h, smax, d);
             Tensor tst = device.tensor(starts, b)) {
            Ops.writeCache(ts, tc, tst);
            Check.close("writeCache, rows strided", tc.toFloatArray(), Reference64.writeCache(src, cache, b, h, t, smax, d, starts),
                    0, data);
        }
    }

    @Test
    void ropeStridesOverItems() {
        Data data = Data.fresh();
        int b = 2, h = 4, s = 100, d = 64; // 6400 items, 25 work-groups' worth on 2
        float[] x = data.normal(b * h * s * d, 1);
        int[] positions = new int[b * s];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = data.random().nextInt(-500, 500);
        }
        float[] inv = new float[d / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = (float) Math.pow(10000, -2.0 * i / d);
        }
        for (boolean interleaved : new boolean[] {false, true}) {
            try (Tensor tx = device.tensor(x, b, h, s, d); Tensor tp = device.tensor(positions, b, s); Tensor tf = device.tensor(inv, d / 2)) {
                Ops.rope(tx, tp, tf, interleaved);
                double[] ref = Reference64.rope(x, b, h, s, d, positions, true, inv, interleaved);
                Check.close("rope, items strided", tx.toFloatArray(), ref, Tolerances.rope(DType.F32, 500), data);
            }
        }
    }

    // ---------------------------------------------------------------- permute

    @Test
    void permuteStridesOverUnits() {
        Data data = Data.fresh();
        // 2 * 33 * 3 * 64 F32 = 12672 units of 16 bytes on the run path, 31 work-groups' worth on 2;
        // [40, 70] by (1, 0) moves single elements, 11 work-groups' worth
        long[][] shapes = {{2, 33, 3, 64}, {40, 70}};
        int[][] dims = {{0, 2, 1, 3}, {1, 0}};
        for (int c = 0; c < shapes.length; c++) {
            int n = 1;
            for (long d : shapes[c]) {
                n *= (int) d;
            }
            int[] bits = new int[n];
            for (int i = 0; i < n; i++) {
                bits[i] = data.random().nextInt();
            }
            try (Tensor x = Raw.tensor(device, DType.F32, bits, shapes[c]); Tensor out = Ops.permute(x, dims[c])) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(Reference64.permute(bits, shapes[c], dims[c]), Raw.bits(out),
                        "permute, units strided; " + data.describe());
            }
        }
    }
}
