package dev.panamax.internal;

/**
 * Bytes in a device's memory, as its backend represents them (a {@code MemorySegment} on the CPU,
 * a {@code cl_mem} and an offset on OpenCL, a {@code CUdeviceptr} on CUDA). Kernels of a backend
 * cast it to their own type. Either a whole allocation, owned by exactly one {@link Allocation},
 * which frees it once, or a view of some of its bytes ({@link BackendDevice#view}), which is never
 * freed on its own.
 *
 * <p>Two memories of one backend may be the same bytes without being the same object (two views
 * of one tensor's bytes): compare them with {@link #sameBytes}, never with {@code ==}.
 */
public interface Memory {
    /** The size in bytes; at least the bytes asked for. */
    long byteSize();

    /**
     * Whether {@code a} and {@code b} are exactly the same bytes: the same memory, or views of one
     * allocation with the same offset and size. Null (an empty tensor's memory) is the same only as null.
     */
    static boolean sameBytes(Memory a, Memory b) {
        return a == b || (a != null && a.equals(b));
    }
}
