package dev.panamax.cuda;

import dev.panamax.internal.Memory;

/**
 * A device allocation, or a view of one: its {@code CUdeviceptr} and size. An allocation is freed
 * once, by its device; a view ({@code CudaDevice.view}) is its base's address plus an offset, so
 * it is only as aligned as its element size: kernels test 16-byte alignment before vector accesses.
 * Equal (the record's equals) exactly when the same bytes.
 */
record CudaMemory(long address, long byteSize) implements Memory {
    /**
     * The device address of {@code m}; 0 for an empty tensor, which has no allocation (a kernel
     * never reads an operand with no elements, e.g. a and b of a GEMM with K = 0).
     */
    static long address(Memory m) {
        return m == null ? 0 : ((CudaMemory) m).address;
    }
}
