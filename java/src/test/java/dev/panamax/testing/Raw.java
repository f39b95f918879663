package dev.panamax.testing;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Raw element bits in and out of tensors, for checks that must be bit-exact (conversions,
 * determinism, top-K values) and must not go through the device's own conversion code.
 */
public final class Raw {
    private Raw() {
    }

    /**
     * The raw bits of every element, read with {@link Tensor#copyTo}: a 16-bit element as its
     * unsigned value, a 32-bit one as is, an 8-bit one sign-extended.
     */
    public static int[] bits(Tensor t) {
        DType dtype = t.dtype();
        long size = t.size();
        int[] out = new int[Math.toIntExact(size)];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, size * dtype.byteSize()), 8);
            t.copyTo(host);
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (dtype.byteSize()) {
                    case 4 -> host.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                    case 2 -> host.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i) & 0xFFFF;
                    default -> host.get(ValueLayout.JAVA_BYTE, i);
                };
            }
        }
        return out;
    }

    /** A tensor of {@code dtype} whose elements have the raw {@code bits} (low 16 bits for 16-bit dtypes). */
    public static Tensor tensor(Device device, DType dtype, int[] bits, long... shape) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, (long) bits.length * dtype.byteSize()), 8);
            for (int i = 0; i < bits.length; i++) {
                switch (dtype.byteSize()) {
                    case 4 -> host.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, bits[i]);
                    case 2 -> host.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) bits[i]);
                    default -> host.set(ValueLayout.JAVA_BYTE, i, (byte) bits[i]);
                }
            }
            return device.tensor(host.asSlice(0, (long) bits.length * dtype.byteSize()), dtype, shape);
        }
    }

    /** The value that raw {@code bits} of {@code dtype} encode, widened to float (exactly). */
    public static float value(DType dtype, int bits) {
        return switch (dtype) {
            case F32 -> Float.intBitsToFloat(bits);
            case F16 -> Float.float16ToFloat((short) bits);
            case BF16 -> Float.intBitsToFloat((bits & 0xFFFF) << 16);
            default -> throw new IllegalArgumentException(dtype.toString());
        };
    }
}
