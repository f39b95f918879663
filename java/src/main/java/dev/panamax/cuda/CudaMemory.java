package dev.panamax.cuda;

import dev.panamax.internal.Memory;

/** A device allocation: its {@code CUdeviceptr} and size. Freed once, by its device. */
record CudaMemory(long address, long byteSize) implements Memory {
    static long address(Memory m) {
        return ((CudaMemory) m).address;
    }
}
