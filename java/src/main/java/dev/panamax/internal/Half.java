package dev.panamax.internal;

/**
 * Scalar conversions between float and the 16-bit formats, rounding to nearest even. F16 uses the
 * JDK's {@link Float#floatToFloat16}; BF16 is the upper half of a binary32, rounded here.
 */
public final class Half {
    private Half() {
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Rounds to nearest even; NaN stays NaN (quieted), infinities and signed zeros are kept. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static short floatToF16(float f) {
        return Float.floatToFloat16(f);
    }
}
