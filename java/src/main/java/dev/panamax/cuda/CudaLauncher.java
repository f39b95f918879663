package dev.panamax.cuda;

import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;

/**
 * What the CUDA kernel set ({@link CudaKernels}) needs from its device: launches on the device's
 * stream, device addresses, scratch memory, and the facts that pick kernel variants.
 *
 * <p>Kernel ABI: every kernel is {@code extern "C"} and takes exactly one parameter, a struct
 * passed by value; {@code params} holds that struct's bytes, laid out as the C compiler lays it
 * out (natural alignment; device pointers are 64-bit {@code unsigned long long}). A kernel
 * without parameters is launched with {@code params == null}.
 */
interface CudaLauncher {
    /**
     * Queues kernel {@code name} from the packed fatbin on the device's stream. A dynamic shared
     * memory request above 48 KiB raises the function's limit first (once per function).
     *
     * @throws dev.panamax.DeviceException with the CUresult's name when the launch fails
     */
    void launch(String name, long gridX, long gridY, long gridZ, int blockX, int blockY, int blockZ,
                int dynamicSharedBytes, MemorySegment params);

    /** The {@code CUdeviceptr} of an allocation of this device. */
    long address(Memory memory);

    /** Scratch memory, ordered on the device's stream; free it with {@link #freeScratch} after the launches that use it are queued. */
    Memory allocateScratch(long bytes);

    void freeScratch(Memory memory);

    /** major * 10 + minor, e.g. 90 for sm_90. */
    int computeCapability();

    int multiprocessorCount();

    /** The most dynamic shared memory one block may opt in to, in bytes. */
    int maxSharedBytesPerBlock();

    /**
     * Whether the driver loaded the sm_90a cubins of the packed fatbins on this device: the only
     * code in which the wgmma kernels are real. May launch a probe kernel once; false if it fails.
     */
    boolean loadsSm90a();
}
