package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.testing.Data;

import java.util.Arrays;
import java.util.List;

/**
 * {@code writeCache(src [B, H, T, D], cache [B, H, Smax, D], starts [B])}: src uniform in [-1, 1),
 * the cache zeros, each batch's start uniform in [0, Smax - T] (so every row lands). T = 1 is a
 * decoding step, larger T a prefill. Memory-bound: minimum bytes 2·B·H·T·D·sizeof(dtype) + 4·B
 * (src read once, as many bytes written into the cache, starts read once; the rest of the cache
 * is never touched). Rows are copies: 16 random rows of src must be in the cache exactly where
 * their start puts them, and the row just before the first (or after the last) must still be 0.
 */
final class CacheBench implements BenchOp {
    private static final int SAMPLE_ROWS = 16;

    @Override
    public List<String> times() {
        return List.of("Ops.writeCache");
    }

    @Override
    public double bytes(Case c) {
        return 2.0 * c.dim("B") * c.dim("H") * c.dim("T") * c.dim("D") * c.dtype().byteSize() + 4.0 * c.dim("B");
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        int b = c.intDim("B"), h = c.intDim("H"), t = c.intDim("T"), smax = c.intDim("Smax"), d = c.intDim("D");
        float[] src = Samples.input(data, c.dtype(), (long) b * h * t * d, -1, 1);
        int[] starts = new int[b];
        for (int i = 0; i < b; i++) {
            starts[i] = data.random().nextInt(smax - t + 1);
        }
        Tensor ts = Data.tensor(device, c.dtype(), src, b, h, t, d);
        Tensor tc = null;
        Tensor tst;
        try {
            tc = device.zeros(c.dtype(), b, h, smax, d);
            tst = device.tensor(starts, b);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(tc, ts);
            throw e;
        }
        Tensor cache = tc;
        return new Prepared() {
            @Override
            public void run() {
                Ops.writeCache(ts, cache, tst);
            }

            @Override
            public Verdict check() {
                float[] all = cache.toFloatArray();
                long[] picked = Samples.indices(data, (long) b * h * t, SAMPLE_ROWS);
                for (long r : picked) {
                    long bh = r / t, row = r % t, at = ((bh * smax) + starts[(int) (bh / h)] + row) * d;
                    float[] got = Arrays.copyOfRange(all, (int) at, (int) at + d);
                    float[] want = Arrays.copyOfRange(src, (int) (r * d), (int) (r * d) + d);
                    if (!Arrays.equals(got, want)) {
                        return Verdict.of(Double.NaN, 0).with("src row " + r + " is not at cache row " + at / d);
                    }
                }
                long bh = data.random().nextInt(b * h);
                int start = starts[(int) (bh / h)];
                long untouched = start > 0 ? start - 1 : start + t; // just outside the written rows
                if (untouched < smax) {
                    for (int j = 0; j < d; j++) {
                        if (all[(int) ((bh * smax + untouched) * d + j)] != 0) {
                            return Verdict.of(Double.NaN, 0).with("cache row " + (bh * smax + untouched) + " was written");
                        }
                    }
                }
                return Verdict.of(0, 0);
            }

            @Override
            public void close() {
                Tensors.closeAll(tst, cache, ts);
            }
        };
    }

}
