package dev.panamax.cuda;

import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;

/**
 * What the CUDA kernel set ({@link CudaKernels} and its op families, through
 * {@link CudaLaunchContext}) needs from its device: launches on the device's stream, device
 * addresses, scratch memory, and the facts that pick kernel variants.
 *
 * <p>Kernel ABI: every kernel is {@code extern "C"} and takes exactly one parameter, a struct
 * passed by value, declared in kernels/cuda/params.cuh and mirrored by a
 * {@link dev.panamax.internal.KernelStruct} layout in the Java class that launches it (natural
 * alignment; device pointers are 64-bit {@code u64}). {@code params} is that struct, written in
 * place in this thread's launch buffer ({@link LaunchParams#struct}), which the launch hands the
 * driver without copying it. A kernel without parameters is launched with {@code params == null}.
 */
interface CudaLauncher {
    /**
     * Queues kernel {@code name} from the packed fatbin on the device's stream. A dynamic shared
     * memory request above 48 KiB raises the function's limit first (once per function).
     * {@code params}: this thread's latest {@link LaunchParams#struct}, or null.
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
