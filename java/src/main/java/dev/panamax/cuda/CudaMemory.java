package dev.panamax.cuda;

import dev.panamax.internal.Memory;

/** A device allocation: its {@code CUdeviceptr} and size. Freed once, by its device. */
record CudaMemory(long address, long byteSize) implements Memory {
    /**
     * The device address of {@code m}; 0 for an empty tensor, which has no allocation (a kernel
     * never reads an operand with no elements, e.g. a and b of a GEMM with K = 0).
     */
    static long address(Memory m) {
        return m == null ? 0 : ((CudaMemory) m).address;
    }
}
