package dev.panamax;

/** Element types of a tensor. Elements are stored little-endian and contiguous. */
public enum DType {
    /** IEEE 754 binary32. */
    F32(4),
    /** IEEE 754 binary16. */
    F16(2),
    /** bfloat16: the upper half of a binary32. */
    BF16(2),
    /** 32-bit two's-complement integer (indices). */
    I32(4),
    /** 8-bit two's-complement integer. */
    I8(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for F32, F16 and BF16: the types the floating-point ops accept. */
    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16;
    }
}
