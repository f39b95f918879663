package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.Tensor;
import dev.panamax.internal.Half;
import dev.panamax.internal.Leases;
import dev.panamax.internal.TensorImpl;
import dev.panamax.testing.Data;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * convert.cl, bit for bit against the JDK's binary16 conversion and the BF16 rounding rule: every
 * 16-bit pattern widened, and floats around every rounding boundary (ties, subnormals, overflow,
 * NaN, infinities, signed zeros) narrowed. NaN only has to stay NaN.
 */
class OpenClConvertTest extends OpenClDeviceTest {
    /** Every 16-bit pattern. */
    private static short[] allHalves() {
        short[] h = new short[65536];
        for (int i = 0; i < h.length; i++) {
            h[i] = (short) i;
        }
        return h;
    }

    /** Floats at and next to every F16 and BF16 rounding boundary, plus random bits and the specials. */
    private static float[] boundaryFloats(Data data) {
        int count = 65536 * 3 + 4096 + 16;
        float[] f = new float[count];
        int at = 0;
        for (int i = 0; i < 65536; i++) {
            // the F16 value i, the midpoint to its successor, and a hair above it
            float lo = Float.float16ToFloat((short) i);
            float hi = Float.float16ToFloat((short) (i + 1));
            float mid = Float.isFinite(lo) && Float.isFinite(hi) ? (float) (((double) lo + hi) / 2) : lo;
            f[at++] = mid;
            f[at++] = Math.nextUp(mid);
            f[at++] = Float.intBitsToFloat((i << 16) | 0x8000); // a BF16 tie
        }
        for (int i = 0; i < 4096; i++) {
            f[at++] = Float.intBitsToFloat(data.random().nextInt());
        }
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 65504f, 65519.99f, 65520f,
            Float.MAX_VALUE, Float.MIN_VALUE, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, 0x1p-14f, 0x1.ffcp-15f, -0x1p-24f};
        System.arraycopy(specials, 0, f, at, specials.length);
        return f;
    }

    @Test
    void widenEveryHalfPattern() {
        short[] h = allHalves();
        for (DType from : new DType[] {DType.F16, DType.BF16}) {
            float[] got = convert(h, from, DType.F32);
            for (int i = 0; i < h.length; i++) {
                float want = from == DType.F16 ? Half.f16ToFloat(h[i]) : Half.bf16ToFloat(h[i]);
                assertSame(want, got[i], from + " 0x" + Integer.toHexString(i) + " -> F32");
            }
        }
    }

    @Test
    void narrowAtEveryBoundary() {
        Data data = Data.fresh();
        float[] f = boundaryFloats(data);
        short[] f16 = narrow(f, DType.F16);
        short[] bf16 = narrow(f, DType.BF16);
        for (int i = 0; i < f.length; i++) {
            assertSameHalf(Half.floatToF16(f[i]), f16[i], DType.F16, f[i], data);
            assertSameHalf(Half.floatToBf16(f[i]), bf16[i], DType.BF16, f[i], data);
        }
    }

    @Test
    void betweenHalfFormats() {
        short[] h = allHalves();
        short[] toBf16 = halves(convertRaw(h, DType.F16, DType.BF16));
        short[] toF16 = halves(convertRaw(h, DType.BF16, DType.F16));
        for (int i = 0; i < h.length; i++) {
            assertSameHalf(Half.floatToBf16(Half.f16ToFloat(h[i])), toBf16[i], DType.BF16, Half.f16ToFloat(h[i]), null);
            assertSameHalf(Half.floatToF16(Half.bf16ToFloat(h[i])), toF16[i], DType.F16, Half.bf16ToFloat(h[i]), null);
        }
    }

    /**
     * The path devices with cl_khr_fp16 take (vload_half / vstore_half_rte, core OpenCL 1.2
     * built-ins), built here by force so that a device without the extension checks it too.
     */
    @Test
    void nativeHalfPathMatchesTheSoftwarePath() {
        Data data = Data.fresh();
        float[] f = boundaryFloats(data);
        short[] h = allHalves();
        OpenClDevice cl = backend();
        try (ClProgram program = cl.programs().build("convert.cl (native half)", ClSources.load("convert.cl"), "-DPANAMAX_NATIVE_HALF");
             Tensor floats = device.tensor(f, f.length); Tensor narrowed = device.zeros(DType.F16, f.length);
             Tensor halves = device.tensor(MemorySegment.ofArray(h), DType.F16, h.length); Tensor widened = device.zeros(DType.F32, h.length);
             Leases leases = new Leases().add((TensorImpl) floats, "floats").add((TensorImpl) narrowed, "narrowed")
                     .add((TensorImpl) halves, "halves").add((TensorImpl) widened, "widened")) {
            launch(cl, program, "convert_f32_to_f16", floats, narrowed, f.length);
            launch(cl, program, "convert_f16_to_f32", halves, widened, h.length);
            short[] got = new short[f.length];
            narrowed.copyTo(MemorySegment.ofArray(got));
            for (int i = 0; i < f.length; i++) {
                assertSameHalf(Half.floatToF16(f[i]), got[i], DType.F16, f[i], data);
            }
            float[] wide = widened.toFloatArray();
            for (int i = 0; i < h.length; i++) {
                assertSame(Half.f16ToFloat(h[i]), wide[i], "native F16 0x" + Integer.toHexString(i) + " -> F32");
            }
        }
    }

    private static void launch(OpenClDevice cl, ClProgram program, String kernel, Tensor src, Tensor dst, long count) {
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(((TensorImpl) src).memory()).buffer(((TensorImpl) dst).memory()).u64(count).grid(256 * 64, 256);
            cl.launch(program, kernel, args);
        }
    }

    private static void assertSame(float want, float got, String what) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + ": want NaN, got " + got);
        } else {
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what + ": want " + want + ", got " + got);
        }
    }

    private static void assertSameHalf(short want, short got, DType dtype, float input, Data data) {
        float w = dtype == DType.F16 ? Half.f16ToFloat(want) : Half.bf16ToFloat(want);
        float g = dtype == DType.F16 ? Half.f16ToFloat(got) : Half.bf16ToFloat(got);
        String what = Float.toHexString(input) + " -> " + dtype + ": want 0x" + Integer.toHexString(want & 0xFFFF)
                + ", got 0x" + Integer.toHexString(got & 0xFFFF) + (data != null ? "; " + data.describe() : "");
        if (Float.isNaN(w)) {
            assertTrue(Float.isNaN(g), what);
        } else {
            assertEquals(want, got, what);
        }
    }

    private static float[] convert(short[] h, DType from, DType to) {
        MemorySegment out = convertRaw(h, from, to);
        return out.toArray(ValueLayout.JAVA_FLOAT);
    }

    private static short[] narrow(float[] f, DType to) {
        try (Tensor t = device.tensor(f, f.length); Tensor c = t.to(to)) {
            MemorySegment out = MemorySegment.ofArray(new short[f.length]);
            c.copyTo(out);
            return out.toArray(ValueLayout.JAVA_SHORT);
        }
    }

    private static MemorySegment convertRaw(short[] h, DType from, DType to) {
        try (Tensor t = device.tensor(MemorySegment.ofArray(h), from, h.length); Tensor c = t.to(to)) {
            MemorySegment out = Arena.ofAuto().allocate((long) h.length * to.byteSize(), 4);
            c.copyTo(out);
            return out;
        }
    }

    private static short[] halves(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_SHORT);
    }
}
