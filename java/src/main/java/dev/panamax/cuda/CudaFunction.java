package dev.panamax.cuda;

import java.lang.foreign.MemorySegment;

import static dev.panamax.bindings.cuda.cuda_h.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES;
import static dev.panamax.bindings.cuda.cuda_h.cuFuncSetAttribute;

/**
 * A kernel loaded on one device: its {@code CUfunction} and the facts a launch checks.
 * {@code paramBytes} is the size of its one parameter struct (0: no parameters; -1: unknown, a
 * driver before 12.4 cannot tell). A block may use 48 KiB of shared memory, static and dynamic
 * together, without opting in; {@code maxDynamicShared} is the most dynamic shared memory it may
 * opt in to (the device's opt-in limit less the kernel's static shared memory).
 */
final class CudaFunction {
    /** Shared memory per block (static + dynamic) a launch may use without raising the function's limit. */
    static final int DEFAULT_SHARED = 48 * 1024;

    final String name;
    final MemorySegment handle;
    final long paramBytes;
    final int staticShared;
    final int maxDynamicShared;
    private volatile boolean raised;

    CudaFunction(String name, MemorySegment handle, long paramBytes, int staticShared, int maxSharedOptIn) {
        this.name = name;
        this.handle = handle;
        this.paramBytes = paramBytes;
        this.staticShared = staticShared;
        this.maxDynamicShared = maxSharedOptIn - staticShared;
    }

    /**
     * Makes a launch with {@code bytes} of dynamic shared memory legal: past 48 KiB in all, the
     * function's limit is raised to the most the device allows, once per function (the caller
     * has made the function's context current).
     */
    void allowDynamicShared(int bytes, String spec) {
        if (bytes > maxDynamicShared) {
            throw new IllegalArgumentException(spec + ": kernel " + name + " asks for " + bytes
                    + " bytes of dynamic shared memory; with its " + staticShared
                    + " bytes of static shared memory this device allows it at most " + maxDynamicShared);
        }
        if (raised || staticShared + (long) bytes <= DEFAULT_SHARED) {
            return;
        }
        synchronized (this) {
            if (!raised) {
                CudaErrors.check(cuFuncSetAttribute(handle, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES(), maxDynamicShared),
                        spec + ": cuFuncSetAttribute(" + name + ", MAX_DYNAMIC_SHARED_SIZE_BYTES, " + maxDynamicShared + ")");
                raised = true;
            }
        }
    }

    /** Checks that a launch passes the struct the kernel takes. */
    void checkParams(MemorySegment params, String spec) {
        long passed = params == null ? 0 : params.byteSize();
        if (paramBytes >= 0 && passed != paramBytes) {
            throw new IllegalArgumentException(spec + ": kernel " + name + " takes "
                    + (paramBytes == 0 ? "no parameters" : "a " + paramBytes + "-byte parameter struct")
                    + " but the launch passes " + (params == null ? "none" : passed + " bytes")
                    + ": the Java layout and the struct of kernels/cuda/params.cuh differ");
        }
    }
}
