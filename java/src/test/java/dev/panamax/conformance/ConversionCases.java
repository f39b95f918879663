package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Tensor;
import dev.panamax.testing.Data;
import dev.panamax.testing.Raw;
import dev.panamax.testing.Rounding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code Tensor.to(DType)} among F32, F16 and BF16, bit for bit against an independent
 * round-to-nearest-even ({@link Rounding}): every 16-bit pattern, every halfway point between
 * neighbouring 16-bit values and its two float neighbours, overflow and subnormal edges, random
 * bits. A NaN must stay a NaN (its payload is free).
 */
abstract class ConversionCases extends DeviceCases {

    /** Overflow and underflow edges of both 16-bit formats (with their negatives and float neighbours). */
    private static final float[] EDGES = {
        65504f, 65519.996f, 65520f, 65536f, 1e5f, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
        Float.intBitsToFloat(0x7F7F8000), Float.intBitsToFloat(0x7F7F7FFF),        // BF16: halfway above its largest finite
        0x1p-24f, 0x1p-25f, 0x1.8p-25f, 0x1p-26f, 0x1p-14f, 0x1.ff8p-15f,         // F16 subnormal and normal edges
        Float.MIN_VALUE, Float.MIN_NORMAL, 0x1p-133f, 0f, Float.NaN,
        Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0x7FC00000), Float.intBitsToFloat(0xFFFFFFFF),
    };

    /** F32 inputs that probe the rounding of {@code target}, as raw bits. */
    private static int[] probes(DType target, Data data) {
        int[] bits = new int[65536 * 4 + 100_000 + 4 * EDGES.length];
        int n = 0;
        for (int h = 0; h < 65536; h++) {
            float v = Raw.value(target, h);
            float next = Raw.value(target, h + 1 & 0xFFFF);
            bits[n++] = Float.floatToRawIntBits(v);
            if (Float.isFinite(v) && Float.isFinite(next) && Math.abs(next) > Math.abs(v)) {
                float mid = (float) (((double) v + next) / 2); // exact: one more bit than the 16-bit format holds
                bits[n++] = Float.floatToRawIntBits(mid);
                bits[n++] = Float.floatToRawIntBits(Math.nextUp(mid));
                bits[n++] = Float.floatToRawIntBits(Math.nextDown(mid));
            }
        }
        for (float edge : EDGES) {
            for (float v : new float[] {edge, -edge, Math.nextUp(edge), Math.nextDown(edge)}) {
                bits[n++] = Float.floatToRawIntBits(v);
            }
        }
        for (int i = 0; i < 100_000; i++) {
            bits[n++] = data.random().nextInt();
        }
        return Arrays.copyOf(bits, n);
    }

    @ParameterizedTest(name = "F32 to {0}")
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void fromF32(DType target) {
        Data data = Data.fresh();
        int[] in = probes(target, data);
        int[] want = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            float f = Float.intBitsToFloat(in[i]);
            want[i] = target == DType.F16 ? Rounding.f16(f) : Rounding.bf16(f);
        }
        try (Tensor x = Raw.tensor(device(), DType.F32, in, in.length); Tensor y = x.to(target)) {
            assertEquals(target, y.dtype());
            assertArrayEquals(new long[] {in.length}, y.shape());
            compare("F32 to " + target, DType.F32, in, target, Raw.bits(y), want, data);
        }
    }

    /** Every 16-bit pattern to F32 (exact) and to the other 16-bit format (rounded). */
    @ParameterizedTest(name = "{0} to F32 and back, and to the other 16-bit format")
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void from16(DType source) {
        Data data = Data.fresh();
        DType other = source == DType.F16 ? DType.BF16 : DType.F16;
        int[] in = new int[65536];
        int[] wide = new int[in.length];
        int[] narrow = new int[in.length];
        for (int h = 0; h < in.length; h++) {
            in[h] = h;
            float f = Raw.value(source, h);
            wide[h] = Float.floatToRawIntBits(f);
            narrow[h] = other == DType.F16 ? Rounding.f16(f) : Rounding.bf16(f);
        }
        try (Tensor x = Raw.tensor(device(), source, in, 256, 256);
             Tensor f32 = x.to(DType.F32);
             Tensor back = f32.to(source);
             Tensor y = x.to(other)) {
            compare(source + " to F32", source, in, DType.F32, Raw.bits(f32), wide, data);
            compare(source + " to F32 and back", source, in, source, Raw.bits(back), in, data);
            compare(source + " to " + other, source, in, other, Raw.bits(y), narrow, data);
            assertArrayEquals(new long[] {256, 256}, y.shape());
        }
    }

    /** to(the same dtype) is an independent copy. */
    @ParameterizedTest(name = "{0} to {0}")
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16", "I32", "I8"})
    void sameDtypeCopies(DType dtype) {
        Data data = Data.fresh();
        int[] in = new int[1001];
        for (int i = 0; i < in.length; i++) {
            in[i] = data.random().nextInt();
            in[i] = dtype.byteSize() == 2 ? in[i] & 0xFFFF : dtype.byteSize() == 1 ? (byte) in[i] : in[i];
        }
        Tensor x = Raw.tensor(device(), dtype, in, 7, 11, 13);
        Tensor y;
        try {
            y = x.to(dtype);
        } finally {
            x.close(); // the copy must outlive its source
        }
        try (y) {
            assertArrayEquals(in, Raw.bits(y), "a copy must not share memory with its source; " + data.describe());
            assertArrayEquals(new long[] {7, 11, 13}, y.shape());
        }
    }

    @Test
    void bf16RoundTripOfValuesThatFit() {
        Data data = Data.fresh();
        float[] values = Data.roundTo(DType.BF16, data.normal(4097, 100));
        try (Tensor x = device().tensor(values, values.length); Tensor b = x.to(DType.BF16); Tensor back = b.to(DType.F32)) {
            assertArrayEquals(values, back.toFloatArray(), "BF16-representable values survive F32 -> BF16 -> F32; "
                    + data.describe());
        }
    }

    private static void compare(String what, DType from, int[] in, DType to, int[] got, int[] want, Data data) {
        for (int i = 0; i < want.length; i++) {
            boolean nan = Float.isNaN(Raw.value(to, want[i]));
            boolean ok = nan ? Float.isNaN(Raw.value(to, got[i])) : got[i] == want[i];
            if (!ok) {
                throw new AssertionError(what + ": input " + Raw.value(from, in[i]) + " (bits 0x" + Integer.toHexString(in[i])
                        + ") gave bits 0x" + Integer.toHexString(got[i]) + " (" + Raw.value(to, got[i]) + "), want 0x"
                        + Integer.toHexString(want[i]) + " (" + Raw.value(to, want[i]) + "); " + data.describe());
            }
        }
    }
}
