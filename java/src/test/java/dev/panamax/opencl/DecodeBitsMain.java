package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.testing.Data;

import java.util.Arrays;

/**
 * Child process of {@link OpenClDecodeBitsTest}: decode attention (Sq = 1 over a cache long
 * enough for the key split) on opencl:0 with seeded inputs; prints the hash of the output's bits.
 */
public final class DecodeBitsMain {
    private DecodeBitsMain() {
    }

    public static void main(String[] args) {
        long seed = Long.parseLong(args[0]);
        Data data = new Data(seed);
        int b = 2, hq = 8, hkv = 2, skv = 8192, d = 64;
        float[] q = data.normal(b * hq * d, 1), k = data.normal(b * hkv * skv * d, 1), v = data.normal(b * hkv * skv * d, 1);
        try (Device device = Device.open("opencl:0");
             Tensor tq = device.tensor(q, b, hq, 1, d);
             Tensor tk = device.tensor(k, b, hkv, skv, d);
             Tensor tv = device.tensor(v, b, hkv, skv, d);
             Tensor out = Ops.attention(tq, tk, tv, true)) {
            float[] o = out.toFloatArray();
            int[] bits = new int[o.length];
            for (int i = 0; i < o.length; i++) {
                bits[i] = Float.floatToRawIntBits(o[i]);
            }
            System.out.println("bits " + Arrays.hashCode(bits) + " units " + device.info().get("compute units"));
        }
    }
}
