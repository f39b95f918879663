package dev.panamax.testing;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Seeded random inputs. The seed is fresh on every run unless {@code -Dpanamax.seed=N} fixes it;
 * every failure message must print it ({@link #seed()}) so the failing run can be replayed.
 */
public final class Data {
    private final long seed;
    private final SplittableRandom random;

    public Data(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** A fresh seed, or the one fixed by {@code panamax.seed}. */
    public static Data fresh() {
        String fixed = System.getProperty("panamax.seed");
        return new Data(fixed != null ? Long.parseLong(fixed.trim()) : new SplittableRandom().nextLong());
    }

    public long seed() {
        return seed;
    }

    /** "seed N (rerun with -Dpanamax.seed=N)". */
    public String describe() {
        return "seed " + seed + " (rerun with -Dpanamax.seed=" + seed + ")";
    }

    public SplittableRandom random() {
        return random;
    }

    public float[] uniform(int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return x;
    }

    /** Normal values with standard deviation {@code std}. */
    public float[] normal(int n, double std) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller on two uniforms in (0, 1]
            double u = 1 - random.nextDouble(), v = random.nextDouble();
            x[i] = (float) (std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }

    /** Small integers in [lo, hi]: products and sums of these are exact in F32. */
    public float[] integers(int n, int lo, int hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(lo, hi + 1);
        }
        return x;
    }

    /** {@code n} copies of {@code value}: NaN to poison an output, so that an unwritten element fails. */
    public static float[] filled(int n, float value) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, value);
        return x;
    }

    /** {@code values} rounded to {@code dtype} and widened back: what a kernel reading that dtype sees. */
    public static float[] roundTo(DType dtype, float[] values) {
        float[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case F32 -> out[i];
                case F16 -> Float.float16ToFloat(Float.floatToFloat16(out[i]));
                case BF16 -> Float.intBitsToFloat((bf16(out[i]) & 0xFFFF) << 16);
                default -> throw new IllegalArgumentException(dtype.toString());
            };
        }
        return out;
    }

    /**
     * A tensor of {@code dtype} on {@code device} holding {@code values} rounded to it. Built from
     * raw host bytes, so that it does not depend on the device's own conversion kernel.
     */
    public static Tensor tensor(Device device, DType dtype, float[] values, long... shape) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate((long) values.length * dtype.byteSize(), 8);
            for (int i = 0; i < values.length; i++) {
                switch (dtype) {
                    case F32 -> host.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, values[i]);
                    case F16 -> host.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16(values[i]));
                    case BF16 -> host.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, bf16(values[i]));
                    default -> throw new IllegalArgumentException(dtype.toString());
                }
            }
            return device.tensor(host, dtype, shape);
        }
    }

    /** Round to nearest even, NaN kept (an independent copy of the rule, so a bug is not shared). */
    static short bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }
}
