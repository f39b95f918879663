package dev.panamax.testing;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The test-side rounding agrees with the JDK's binary16 conversion and with hand-picked cases, so
 * that the conversion checks rest on an oracle that is itself checked. Samples every sign and
 * exponent with every pattern of the low bits around the rounding point, plus random floats.
 */
class RoundingTest {

    private static void agree(int bits) {
        float f = Float.intBitsToFloat(bits);
        int jdk = Float.floatToFloat16(f) & 0xFFFF;
        int ours = Rounding.f16(f);
        if (Float.isNaN(f)) {
            assertEquals(0x7C00, ours & 0x7C00, "NaN must stay NaN");
            assertEquals(true, (ours & 0x3FF) != 0, "NaN must stay NaN");
        } else if (jdk != ours) {
            throw new AssertionError("f16 of " + f + " (0x" + Integer.toHexString(bits) + "): JDK 0x" + Integer.toHexString(jdk)
                    + ", ours 0x" + Integer.toHexString(ours));
        }
        int bf = Rounding.bf16(f);
        int data = Data.bf16(f) & 0xFFFF;
        if (!Float.isNaN(f) && bf != data) {
            throw new AssertionError("bf16 of " + f + ": Rounding 0x" + Integer.toHexString(bf) + ", Data 0x" + Integer.toHexString(data));
        }
    }

    @Test
    void agreesWithTheJdkAroundEveryRoundingPoint() {
        int[] lows = {0, 1, 0xFFF, 0x1000, 0x1001, 0x1FFF, 0x2000, 0x2001, 0x7F, 0x80, 0x81, 0x7FFF, 0x8000, 0x8001};
        for (int high = 0; high < 1 << 19; high++) {
            for (int low : lows) {
                agree(high << 13 | low);
            }
        }
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 2_000_000; i++) {
            agree(r.nextInt());
        }
    }

    @Test
    void handPickedCases() {
        assertEquals(0x3C00, Rounding.f16(1f));
        assertEquals(0x7BFF, Rounding.f16(65504f));
        assertEquals(0x7BFF, Rounding.f16(65519.996f));
        assertEquals(0x7C00, Rounding.f16(65520f));            // halfway to 65536 rounds to even: infinity
        assertEquals(0x0001, Rounding.f16(0x1p-24f));           // smallest subnormal
        assertEquals(0x0000, Rounding.f16(0x1p-25f));           // halfway to it: ties to even, zero
        assertEquals(0x0001, Rounding.f16(0x1.000002p-25f));   // just above halfway
        assertEquals(0x8000, Rounding.f16(-0f));
        assertEquals(0x3C00, Rounding.f16(1 + 0x1p-11f));       // halfway between 1 and its neighbour: even, 1
        assertEquals(0x3C02, Rounding.f16(1 + 3 * 0x1p-11f));   // halfway between odd and even: up
        assertEquals(0x3F80, Rounding.bf16(1f));
        assertEquals(0x3F80, Rounding.bf16(Float.intBitsToFloat(0x3F808000)));  // tie, even below
        assertEquals(0x3F82, Rounding.bf16(Float.intBitsToFloat(0x3F818000)));  // tie, odd below: up
        assertEquals(0x7F80, Rounding.bf16(Float.MAX_VALUE));
        assertEquals(0xFF80, Rounding.bf16(Float.NEGATIVE_INFINITY));
    }
}
