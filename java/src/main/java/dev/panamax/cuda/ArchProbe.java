package dev.panamax.cuda;

import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.panamax.bindings.cuda.cuda_h.CU_FUNC_ATTRIBUTE_BINARY_VERSION;

/**
 * Finds out which code the driver loaded from the fatbins on a device: launches
 * {@code panamax_arch_probe} (kernels/cuda/launch_probe.cu), which writes the {@code __CUDA_ARCH__}
 * it was compiled for and whether that was an architecture-specific target (sm_90a), and reads
 * the function's binary version: equal to the compiled architecture for a cubin, the device's
 * own for PTX the driver JIT-compiled.
 */
final class ArchProbe {
    static final String KERNEL = "panamax_arch_probe";
    /** ArchProbeParams of kernels/cuda/params.cuh. */
    static final StructLayout PARAMS = KernelStruct.of("ArchProbeParams", ValueLayout.JAVA_LONG.withName("out"));
    private static final VarHandle OUT = KernelStruct.field(PARAMS, "out");

    private ArchProbe() {
    }

    /**
     * What the probe read: the {@code __CUDA_ARCH__} of the code the driver loaded (900 for sm_90),
     * whether that was an architecture-specific build (sm_90a), the function's binary version, and
     * the device's compute capability.
     */
    record Loaded(int cudaArch, boolean archSpecific, int binaryVersion, int computeCapability) {
        /** "sm_90a cubin", "compute_90 PTX, JIT-compiled by the driver for sm_100", ... */
        String describe() {
            return ArchProbe.describe(cudaArch, archSpecific, binaryVersion, computeCapability);
        }

        /** The sm_90a cubin, the only code in which the wgmma kernels are real (elsewhere they trap). */
        boolean sm90aCubin() {
            return cudaArch == 900 && archSpecific && binaryVersion == 90;
        }
    }

    /** Launches the probe once on {@code device}; null when the packed fatbins hold no probe. */
    static Loaded run(CudaDevice device, int computeCapability) {
        if (KernelIndex.packed().fatbinOf(KERNEL) == null) {
            return null;
        }
        Memory out = device.allocate(8);
        try (Arena arena = Arena.ofConfined()) {
            device.zero(out, 8);
            MemorySegment params = LaunchParams.struct(PARAMS);
            OUT.set(params, 0L, device.address(out));
            device.launch(KERNEL, 1, 1, 1, 1, 1, 1, 0, params);
            MemorySegment host = arena.allocate(8, 8);
            device.copyOut(out, host, 8);
            int binary = device.functionAttribute(KERNEL, CU_FUNC_ATTRIBUTE_BINARY_VERSION());
            return new Loaded(host.get(ValueLayout.JAVA_INT, 0), host.get(ValueLayout.JAVA_INT, 4) != 0, binary,
                    computeCapability);
        } finally {
            device.free(out);
        }
    }

    /**
     * "sm_90a cubin" or "compute_90 PTX, JIT-compiled by the driver for sm_100", from the probe's
     * {@code __CUDA_ARCH__} (900), its arch-specific flag, and the function's binary version (90).
     */
    static String describe(int cudaArch, boolean archSpecific, int binaryVersion, int computeCapability) {
        if (cudaArch <= 0) {
            return "unknown (the arch probe wrote nothing)";
        }
        String target = cudaArch / 10 + (archSpecific ? "a" : "");
        if (binaryVersion == cudaArch / 10) {
            return "sm_" + target + " cubin";
        }
        return "compute_" + target + " PTX, JIT-compiled by the driver for sm_"
                + (binaryVersion > 0 ? binaryVersion : computeCapability);
    }
}
