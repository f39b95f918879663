package dev.panamax.cuda;

import dev.panamax.DeviceUnavailableException;
import dev.panamax.bindings.cuda.CudaLibrary;
import dev.panamax.bindings.cuda.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The driver, once per JVM: opens libcuda, checks that it has every symbol the backend calls,
 * {@code cuInit}, counts devices, and checks that the jar carries kernels. The outcome is fixed
 * for the life of the JVM; when the backend cannot be used, every ask gets a fresh
 * {@link DeviceUnavailableException} that says why.
 */
final class CudaDriver {
    private CudaDriver() {
    }

    /**
     * What discovery found: a device count, the driver version and what the packed fatbins hold
     * (every one is built for the same targets), or why CUDA cannot be used.
     */
    record Outcome(int deviceCount, int driverVersion, Fatbin targets, String unavailable) {
    }

    private static final class Discovery {
        static final Outcome OUTCOME = discoverOrSayWhy();
    }

    /** Discovery never fails class initialisation: whatever goes wrong becomes the reason CUDA is unavailable. */
    private static Outcome discoverOrSayWhy() {
        try {
            return discover();
        } catch (RuntimeException | LinkageError e) {
            return unavailable("CUDA discovery failed: " + e);
        }
    }

    /** The number of CUDA devices (cuDeviceGetCount). */
    static int deviceCount() {
        return usable().deviceCount();
    }

    /** The driver's CUDA version, e.g. 13000 for 13.0. */
    static int driverVersion() {
        return usable().driverVersion();
    }

    /** The targets the packed fatbins were built for. */
    static Fatbin packedTargets() {
        return usable().targets();
    }

    private static Outcome usable() {
        Outcome o = Discovery.OUTCOME;
        if (o.unavailable() != null) {
            throw new DeviceUnavailableException(o.unavailable());
        }
        return o;
    }

    /** Symbols the backend calls, by name; resolving each links its downcall handle too. */
    private static Map<String, Supplier<MemorySegment>> requiredSymbols() {
        Map<String, Supplier<MemorySegment>> s = new LinkedHashMap<>();
        s.put("cuGetErrorName", cuda_h::cuGetErrorName$address);
        s.put("cuGetErrorString", cuda_h::cuGetErrorString$address);
        s.put("cuInit", cuda_h::cuInit$address);
        s.put("cuDriverGetVersion", cuda_h::cuDriverGetVersion$address);
        s.put("cuDeviceGetCount", cuda_h::cuDeviceGetCount$address);
        s.put("cuDeviceGet", cuda_h::cuDeviceGet$address);
        s.put("cuDeviceGetName", cuda_h::cuDeviceGetName$address);
        s.put("cuDeviceGetAttribute", cuda_h::cuDeviceGetAttribute$address);
        s.put("cuDeviceTotalMem_v2", cuda_h::cuDeviceTotalMem_v2$address);
        s.put("cuDeviceGetDefaultMemPool", cuda_h::cuDeviceGetDefaultMemPool$address);
        s.put("cuDevicePrimaryCtxRetain", cuda_h::cuDevicePrimaryCtxRetain$address);
        s.put("cuDevicePrimaryCtxRelease_v2", cuda_h::cuDevicePrimaryCtxRelease_v2$address);
        s.put("cuCtxSetCurrent", cuda_h::cuCtxSetCurrent$address);
        s.put("cuModuleLoadData", cuda_h::cuModuleLoadData$address);
        s.put("cuModuleGetFunction", cuda_h::cuModuleGetFunction$address);
        s.put("cuFuncGetAttribute", cuda_h::cuFuncGetAttribute$address);
        s.put("cuFuncSetAttribute", cuda_h::cuFuncSetAttribute$address);
        s.put("cuLaunchKernel", cuda_h::cuLaunchKernel$address);
        s.put("cuMemGetInfo_v2", cuda_h::cuMemGetInfo_v2$address);
        s.put("cuMemAlloc_v2", cuda_h::cuMemAlloc_v2$address);
        s.put("cuMemFree_v2", cuda_h::cuMemFree_v2$address);
        s.put("cuMemAllocAsync", cuda_h::cuMemAllocAsync$address);
        s.put("cuMemFreeAsync", cuda_h::cuMemFreeAsync$address);
        s.put("cuMemPoolSetAttribute", cuda_h::cuMemPoolSetAttribute$address);
        s.put("cuMemPoolTrimTo", cuda_h::cuMemPoolTrimTo$address);
        s.put("cuMemcpyHtoDAsync_v2", cuda_h::cuMemcpyHtoDAsync_v2$address);
        s.put("cuMemcpyDtoHAsync_v2", cuda_h::cuMemcpyDtoHAsync_v2$address);
        s.put("cuMemcpyDtoDAsync_v2", cuda_h::cuMemcpyDtoDAsync_v2$address);
        s.put("cuMemsetD8Async", cuda_h::cuMemsetD8Async$address);
        s.put("cuStreamCreate", cuda_h::cuStreamCreate$address);
        s.put("cuStreamSynchronize", cuda_h::cuStreamSynchronize$address);
        return s;
    }

    /** The first required symbol the library lacks, with the linker's reason; null when all resolve. */
    static String missingSymbol() {
        for (Map.Entry<String, Supplier<MemorySegment>> e : requiredSymbols().entrySet()) {
            try {
                e.getValue().get();
            } catch (LinkageError err) {
                Throwable cause = err.getCause() != null ? err.getCause() : err;
                return e.getKey() + " (" + cause.getMessage() + ")";
            }
        }
        return null;
    }

    private static Outcome unavailable(String why) {
        return new Outcome(0, 0, null, why);
    }

    private static Outcome discover() {
        String failure = CudaLibrary.loadFailure();
        if (failure != null) {
            return unavailable(failure);
        }
        String missing = missingSymbol();
        if (missing != null) {
            return unavailable(CudaLibrary.name() + " lacks " + missing
                    + ": the NVIDIA driver is older than Panamax needs (a CUDA 12 driver or newer)");
        }
        int rc = cuda_h.cuInit(0);
        if (rc != cuda_h.CUDA_SUCCESS()) {
            String hint = rc == cuda_h.CUDA_ERROR_NO_DEVICE() ? "no CUDA-capable GPU is visible"
                    : rc == cuda_h.CUDA_ERROR_STUB_LIBRARY() ? CudaLibrary.name() + " is the CUDA toolkit's stub, not the driver"
                    : "the NVIDIA driver did not start";
            return unavailable(hint + ": cuInit returned " + CudaErrors.name(rc) + " (" + rc + ")");
        }
        int version;
        int count;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(cuda_h.C_INT);
            CudaErrors.check(cuda_h.cuDriverGetVersion(out), "cuDriverGetVersion");
            version = out.get(cuda_h.C_INT, 0);
            CudaErrors.check(cuda_h.cuDeviceGetCount(out), "cuDeviceGetCount");
            count = out.get(cuda_h.C_INT, 0);
        } catch (RuntimeException e) {
            return unavailable("the NVIDIA driver failed during discovery: " + e.getMessage());
        }
        KernelIndex index = KernelIndex.packed();
        if (index.notBuilt() != null) {
            return unavailable("the CUDA kernels were not built into this jar: " + index.notBuilt()
                    + " (rebuild with the CUDA toolkit's nvcc on PATH; -Dpanamax.cuda=required makes its absence a build error)");
        }
        String first = index.fatbins().getFirst();
        Fatbin targets;
        try {
            targets = Fatbin.parse(KernelIndex.read(first));
        } catch (IllegalArgumentException e) {
            return unavailable("the packed " + first + " is not a fatbin: " + e.getMessage());
        }
        // A machine whose every GPU is too old for the packed code lists no cuda device at all.
        String firstReason = null;
        try (Arena arena = Arena.ofConfined()) {
            for (int ordinal = 0; ordinal < count; ordinal++) {
                String why = incompatible(arena, ordinal, targets);
                if (why == null) {
                    return new Outcome(count, version, targets, null);
                }
                firstReason = firstReason != null ? firstReason : why;
            }
        }
        return firstReason == null ? new Outcome(0, version, targets, null) : unavailable(firstReason);
    }

    /** Why GPU {@code ordinal} cannot run any of the packed code, or null when it can. */
    static String incompatible(Arena arena, int ordinal, Fatbin targets) {
        int device = device(arena, ordinal);
        int cc = computeCapability(arena, device);
        if (targets.bestFor(cc) != null) {
            return null;
        }
        return "cuda:" + ordinal + " (" + name(arena, device) + ") has compute capability " + cc / 10 + "." + cc % 10
                + "; the packed kernels hold " + targets.targets() + ", none of which runs on it";
    }

    /** The {@code CUdevice} of ordinal {@code ordinal}. */
    static int device(Arena arena, int ordinal) {
        MemorySegment out = arena.allocate(cuda_h.C_INT);
        CudaErrors.check(cuda_h.cuDeviceGet(out, ordinal), "cuda:" + ordinal + ": cuDeviceGet");
        return out.get(cuda_h.C_INT, 0);
    }

    static int attribute(Arena arena, int device, int attribute) {
        MemorySegment out = arena.allocate(cuda_h.C_INT);
        CudaErrors.check(cuda_h.cuDeviceGetAttribute(out, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return out.get(cuda_h.C_INT, 0);
    }

    /** major * 10 + minor. */
    static int computeCapability(Arena arena, int device) {
        return attribute(arena, device, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR()) * 10
                + attribute(arena, device, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR());
    }

    static String name(Arena arena, int device) {
        MemorySegment chars = arena.allocate(256);
        CudaErrors.check(cuda_h.cuDeviceGetName(chars, 256, device), "cuDeviceGetName");
        return chars.getString(0);
    }

    /** "13.0" for 13000. */
    static String versionString(int version) {
        return version / 1000 + "." + version % 1000 / 10;
    }
}
