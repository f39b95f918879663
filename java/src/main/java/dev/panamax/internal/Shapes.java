package dev.panamax.internal;

import java.util.Arrays;

/** Shape arithmetic and formatting shared by the API's checks. */
public final class Shapes {
    public static final int MAX_RANK = 8;

    private Shapes() {
    }

    /** {@code [64, 32]}. */
    public static String format(long... shape) {
        return Arrays.toString(shape);
    }

    /** The element count; throws IllegalArgumentException naming {@code op} on a bad shape or overflow. */
    public static long checkedSize(String op, long... shape) {
        if (shape == null) {
            throw new NullPointerException(op + ": shape is null");
        }
        if (shape.length < 1 || shape.length > MAX_RANK) {
            throw new IllegalArgumentException(op + ": rank must be 1 to " + MAX_RANK + ", got shape "
                    + format(shape) + " of rank " + shape.length);
        }
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + format(shape));
            }
            try {
                size = Math.multiplyExact(size, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(op + ": shape " + format(shape) + " has more than 2^63 elements");
            }
        }
        return size;
    }

    /**
     * The bytes of a tensor of {@code shape} and {@code elementBytes} per element, after
     * {@link #checkedSize}; more than 2^63 - 1 bytes is an {@code IllegalArgumentException} naming the op.
     */
    public static long checkedBytes(String op, long elementBytes, long... shape) {
        long size = checkedSize(op, shape);
        try {
            return Math.multiplyExact(size, elementBytes);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(op + ": shape " + format(shape) + " needs more than 2^63 - 1 bytes");
        }
    }

    /** The product of dims [from, to). */
    public static long product(long[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}
