package dev.panamax.internal;

/**
 * One allocation in a device's memory, as its backend represents it (a {@code MemorySegment} on
 * the CPU, a {@code cl_mem} on OpenCL, a {@code CUdeviceptr} on CUDA). Kernels of a backend cast
 * it to their own type. Owned by exactly one {@link Allocation}, which frees it once.
 */
public interface Memory {
    /** The size in bytes; at least the bytes asked for. */
    long byteSize();
}
