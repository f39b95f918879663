package dev.panamax.testing;

/**
 * Round-to-nearest-even from binary32 to the 16-bit formats, written from the IEEE 754 rules on
 * integer bits, independently of the JDK's {@code Float.floatToFloat16} and of the library's own
 * conversion, so that a rounding bug is not shared between a kernel and its check.
 */
public final class Rounding {
    private Rounding() {
    }

    /** binary16 bits of {@code f}: nearest, ties to even; overflow to infinity; NaN to a quiet NaN. */
    public static int f16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7F_FFFF;
        if (exp == 0xFF) {
            return mant == 0 ? sign | 0x7C00 : sign | 0x7E00 | (mant >>> 13);
        }
        if (exp == 0) {
            return sign; // binary32 subnormals lie far below half of binary16's smallest subnormal
        }
        // The value is (1.mant) * 2^e; binary16 normals have exponents -14..15.
        int e = exp - 127;
        if (e > 15) {
            return sign | 0x7C00;
        }
        // Shift the 24-bit significand (hidden bit included) right so that its units are
        // binary16's last place: 2^(e-10) for normals, 2^-24 for subnormals.
        int significand = mant | 0x80_0000;
        int shift = e >= -14 ? 13 : -1 - e;
        if (shift > 25) {
            return sign; // below half of the smallest subnormal (2^-25): rounds to zero
        }
        int kept = significand >>> shift;
        int rest = significand & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) == 1)) {
            kept++;
        }
        if (e >= -14) {
            // kept holds the hidden bit at 2^10; carrying into 2^11 bumps the exponent, which the
            // addition below does by itself, up to infinity (0x7C00) at the top.
            return sign | (((e + 15) << 10) + (kept - 0x400));
        }
        return sign | kept; // subnormal, or the smallest normal when rounding carried into 2^10
    }

    /** bfloat16 bits of {@code f}: nearest, ties to even; NaN to a quiet NaN. */
    public static int bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return ((bits >>> 16) | 0x40) & 0xFFFF;
        }
        int upper = bits >>> 16;
        int rest = bits & 0xFFFF;
        if (rest > 0x8000 || (rest == 0x8000 && (upper & 1) == 1)) {
            upper++; // a carry into the exponent is right, up to infinity
        }
        return upper & 0xFFFF;
    }
}
