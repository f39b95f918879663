package dev.panamax.cuda;

import dev.panamax.Backend;
import dev.panamax.DeviceException;
import dev.panamax.DeviceOutOfMemoryException;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.internal.BackendDevice;
import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.panamax.bindings.cuda.cuda_h.CUDA_ERROR_OUT_OF_MEMORY;
import static dev.panamax.bindings.cuda.cuda_h.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN;
import static dev.panamax.bindings.cuda.cuda_h.CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED;
import static dev.panamax.bindings.cuda.cuda_h.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;
import static dev.panamax.bindings.cuda.cuda_h.CU_MEMPOOL_ATTR_RELEASE_THRESHOLD;
import static dev.panamax.bindings.cuda.cuda_h.CU_STREAM_NON_BLOCKING;
import static dev.panamax.bindings.cuda.cuda_h.C_INT;
import static dev.panamax.bindings.cuda.cuda_h.C_LONG;
import static dev.panamax.bindings.cuda.cuda_h.C_POINTER;
import static dev.panamax.bindings.cuda.cuda_h.cuDeviceGetDefaultMemPool;
import static dev.panamax.bindings.cuda.cuda_h.cuDevicePrimaryCtxRelease_v2;
import static dev.panamax.bindings.cuda.cuda_h.cuDevicePrimaryCtxRetain;
import static dev.panamax.bindings.cuda.cuda_h.cuDeviceTotalMem_v2;
import static dev.panamax.bindings.cuda.cuda_h.cuLaunchKernel;
import static dev.panamax.bindings.cuda.cuda_h.cuMemAllocAsync;
import static dev.panamax.bindings.cuda.cuda_h.cuMemAlloc_v2;
import static dev.panamax.bindings.cuda.cuda_h.cuMemFreeAsync;
import static dev.panamax.bindings.cuda.cuda_h.cuMemFree_v2;
import static dev.panamax.bindings.cuda.cuda_h.cuMemGetInfo_v2;
import static dev.panamax.bindings.cuda.cuda_h.cuMemPoolSetAttribute;
import static dev.panamax.bindings.cuda.cuda_h.cuMemPoolTrimTo;
import static dev.panamax.bindings.cuda.cuda_h.cuMemcpyDtoDAsync_v2;
import static dev.panamax.bindings.cuda.cuda_h.cuMemcpyDtoHAsync_v2;
import static dev.panamax.bindings.cuda.cuda_h.cuMemcpyHtoDAsync_v2;
import static dev.panamax.bindings.cuda.cuda_h.cuMemsetD8Async;
import static dev.panamax.bindings.cuda.cuda_h.cuStreamCreate;
import static dev.panamax.bindings.cuda.cuda_h.cuStreamSynchronize;

/**
 * One CUDA GPU: its primary context (retained once, for the life of the JVM), one non-blocking
 * stream on which everything is queued in order, the device's stream-ordered memory pool
 * ({@code cuMemAllocAsync}, or {@code cuMemAlloc} where pools are unsupported), and its kernels,
 * loaded from the packed fatbins on first use.
 *
 * <p>Thread-safe: the driver API is, every call names the stream, and each call first makes the
 * context current on the calling thread ({@link CurrentContext}). Host segments given to the copies
 * are native (the caller stages heap segments); they are pageable memory, which the driver has
 * consumed when an async host-to-device copy returns, and a device-to-host copy waits for the stream.
 */
final class CudaDevice implements BackendDevice, CudaLauncher {
    private final String spec;
    private final String name;
    private final int computeCapability;
    private final int multiprocessors;
    private final int maxSharedOptIn;
    private final long totalMemory;
    private final Fatbin targets;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final MemorySegment pool; // NULL where memory pools are unsupported
    private final CudaModules modules;
    private final CudaKernels kernels;
    private volatile String loadedVariant;    // what info() says under "kernels"
    private volatile ArchProbe.Loaded loaded; // the probe's reading, once it ran

    CudaDevice(int ordinal, Fatbin targets) {
        this.spec = "cuda:" + ordinal;
        this.targets = targets;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_LONG);
            String incompatible = CudaDriver.incompatible(arena, ordinal, targets);
            if (incompatible != null) {
                throw new DeviceUnavailableException(incompatible);
            }
            int device = CudaDriver.device(arena, ordinal);
            this.name = CudaDriver.name(arena, device);
            this.computeCapability = CudaDriver.computeCapability(arena, device);
            this.multiprocessors = CudaDriver.attribute(arena, device, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT());
            this.maxSharedOptIn = CudaDriver.attribute(arena, device, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN());
            boolean pools = CudaDriver.attribute(arena, device, CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED()) != 0;
            check(cuDeviceTotalMem_v2(out, device), "cuDeviceTotalMem");
            this.totalMemory = out.get(C_LONG, 0);

            check(cuDevicePrimaryCtxRetain(out, device), "cuDevicePrimaryCtxRetain");
            this.context = out.get(C_POINTER, 0);
            try {
                CurrentContext.make(context, spec);
                check(cuStreamCreate(out, CU_STREAM_NON_BLOCKING()), "cuStreamCreate");
                this.stream = out.get(C_POINTER, 0);
                this.pool = pools ? defaultPool(arena, device) : MemorySegment.NULL;
            } catch (RuntimeException e) {
                cuDevicePrimaryCtxRelease_v2(device); // the device is unusable: do not keep its context
                throw e;
            }
        }
        this.modules = new CudaModules(spec, KernelIndex.packed(), maxSharedOptIn, this::bind);
        this.kernels = new CudaKernels(this);
    }

    /**
     * The device's default pool, told to keep freed memory (release threshold: all of it) so
     * that a stream synchronize does not hand it back to the OS and the next allocation map it
     * again; an allocation that finds the device full trims the pool and retries.
     */
    private MemorySegment defaultPool(Arena arena, int device) {
        MemorySegment out = arena.allocate(C_POINTER);
        check(cuDeviceGetDefaultMemPool(out, device), "cuDeviceGetDefaultMemPool");
        MemorySegment p = out.get(C_POINTER, 0);
        MemorySegment threshold = arena.allocate(ValueLayout.JAVA_LONG);
        threshold.set(ValueLayout.JAVA_LONG, 0, -1L); // UINT64_MAX
        check(cuMemPoolSetAttribute(p, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD(), threshold),
                "cuMemPoolSetAttribute(RELEASE_THRESHOLD)");
        return p;
    }

    private void check(int result, String call) {
        CudaErrors.check(result, spec + ": " + call);
    }

    private void bind() {
        CurrentContext.make(context, spec);
    }

    // --- BackendDevice -------------------------------------------------------------------------

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Backend backend() {
        return Backend.CUDA;
    }

    @Override
    public long memoryBytes() {
        return totalMemory;
    }

    @Override
    public Map<String, String> info() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("compute capability", computeCapability / 10 + "." + computeCapability % 10);
        info.put("multiprocessors", Integer.toString(multiprocessors));
        info.put("driver", "CUDA " + CudaDriver.versionString(CudaDriver.driverVersion()));
        info.put("global memory", String.format("%.1f GiB (%d bytes)", totalMemory / (double) (1L << 30), totalMemory));
        info.put("shared memory per block (opt-in)", maxSharedOptIn + " bytes");
        info.put("allocator", pool.equals(MemorySegment.NULL) ? "cuMemAlloc" : "stream-ordered pool (cuMemAllocAsync)");
        info.put("fatbin targets", targets.targets());
        info.put("kernels", loadedVariant());
        return info;
    }

    /** Which code the driver loaded from the fatbins, found once by launching the arch probe. */
    private String loadedVariant() {
        String v = loadedVariant;
        if (v == null) {
            try {
                ArchProbe.Loaded l = ArchProbe.run(this, computeCapability);
                if (l == null) {
                    v = "unknown (no " + ArchProbe.KERNEL + " in the packed fatbins)";
                } else {
                    v = l.describe();
                    loaded = l;
                }
            } catch (DeviceException | IllegalArgumentException e) {
                return "unknown (the arch probe failed: " + e.getMessage() + ")";
            }
            loadedVariant = v;
        }
        return v;
    }

    /**
     * Whether the driver runs the sm_90a cubins of the packed fatbins on this device (the probe
     * and the kernels share one target list, so the probe's module stands for all); the first call
     * may launch the arch probe. False when the probe is missing or fails.
     */
    @Override
    public boolean loadsSm90a() {
        loadedVariant();
        ArchProbe.Loaded l = loaded;
        return l != null && l.sm90aCubin();
    }

    @Override
    public Memory allocate(long bytes) {
        bind();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_LONG);
            int rc = tryAllocate(out, bytes);
            if (rc == CUDA_ERROR_OUT_OF_MEMORY() && !pool.equals(MemorySegment.NULL)) {
                // Memory freed on the stream returns to the pool once the stream passes the free.
                synchronize();
                check(cuMemPoolTrimTo(pool, 0), "cuMemPoolTrimTo");
                rc = tryAllocate(out, bytes);
            }
            if (rc == CUDA_ERROR_OUT_OF_MEMORY()) {
                String name = CudaErrors.name(rc);
                throw new DeviceOutOfMemoryException(spec + ": out of device memory: cannot allocate " + bytes
                        + " bytes (" + freeMemory(arena) + ")", name, rc);
            }
            check(rc, "allocate " + bytes + " bytes");
            return new CudaMemory(out.get(C_LONG, 0), bytes);
        }
    }

    private int tryAllocate(MemorySegment out, long bytes) {
        return pool.equals(MemorySegment.NULL) ? cuMemAlloc_v2(out, bytes) : cuMemAllocAsync(out, bytes, stream);
    }

    private String freeMemory(Arena arena) {
        MemorySegment free = arena.allocate(C_LONG);
        MemorySegment total = arena.allocate(C_LONG);
        return cuMemGetInfo_v2(free, total) == 0
                ? free.get(C_LONG, 0) + " bytes free of " + total.get(C_LONG, 0)
                : "free memory unknown";
    }

    @Override
    public void free(Memory memory) {
        bind();
        long address = CudaMemory.address(memory);
        if (pool.equals(MemorySegment.NULL)) {
            synchronize(); // cuMemFree is not stream-ordered: queued kernels may still read it
            check(cuMemFree_v2(address), "cuMemFree");
        } else {
            check(cuMemFreeAsync(address, stream), "cuMemFreeAsync");
        }
    }

    @Override
    public Memory view(Memory base, long byteOffset, long bytes) {
        return new CudaMemory(CudaMemory.address(base) + byteOffset, bytes);
    }

    @Override
    public void zero(Memory memory, long bytes) {
        bind();
        check(cuMemsetD8Async(CudaMemory.address(memory), (byte) 0, bytes, stream), "cuMemsetD8Async");
    }

    @Override
    public void copyIn(MemorySegment src, Memory dst, long bytes) {
        checkHost(src, bytes, "copyIn");
        bind();
        check(cuMemcpyHtoDAsync_v2(CudaMemory.address(dst), src, bytes, stream), "cuMemcpyHtoDAsync");
    }

    @Override
    public void copyOut(Memory src, MemorySegment dst, long bytes) {
        checkHost(dst, bytes, "copyOut");
        bind();
        check(cuMemcpyDtoHAsync_v2(dst, CudaMemory.address(src), bytes, stream), "cuMemcpyDtoHAsync");
        synchronize(); // the caller reads dst when this returns
    }

    /**
     * cuMemcpyDtoD leaves overlapping ranges undefined: views of one allocation that overlap are
     * copied through a temporary allocation (two copies, in stream order), as memmove would.
     */
    @Override
    public void copy(Memory src, Memory dst, long bytes) {
        long from = CudaMemory.address(src), to = CudaMemory.address(dst);
        bind();
        if (from == to) {
            return;
        }
        if (from < to + bytes && to < from + bytes) {
            Memory temp = allocate(bytes);
            try {
                copyDtoD(from, CudaMemory.address(temp), bytes);
                copyDtoD(CudaMemory.address(temp), to, bytes);
            } finally {
                free(temp);
            }
            return;
        }
        copyDtoD(from, to, bytes);
    }

    private void copyDtoD(long from, long to, long bytes) {
        check(cuMemcpyDtoDAsync_v2(to, from, bytes, stream), "cuMemcpyDtoDAsync");
    }

    /** The driver reads or writes raw host memory: the segment must be native and large enough. */
    private void checkHost(MemorySegment host, long bytes, String op) {
        if (!host.isNative() || host.byteSize() < bytes) {
            throw new IllegalArgumentException(spec + " " + op + ": needs a native host segment of at least "
                    + bytes + " bytes, got " + (host.isNative() ? "" : "a heap segment of ") + host.byteSize() + " bytes");
        }
    }

    @Override
    public boolean acceptsHeapSegments() {
        return false;
    }

    /** This device's kernel set (narrowed: tests reach its launch context and families through it). */
    @Override
    public CudaKernels kernels() {
        return kernels;
    }

    @Override
    public void synchronize() {
        bind();
        check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    // --- CudaLauncher ----------------------------------------------------------------------------

    @Override
    public void launch(String kernel, long gridX, long gridY, long gridZ, int blockX, int blockY, int blockZ,
                       int dynamicSharedBytes, MemorySegment params) {
        if (gridX < 1 || gridX > 0xFFFF_FFFFL || gridY < 1 || gridY > 0xFFFF_FFFFL || gridZ < 1 || gridZ > 0xFFFF_FFFFL
                || blockX < 1 || blockY < 1 || blockZ < 1 || dynamicSharedBytes < 0) {
            throw new IllegalArgumentException(spec + ": launch of " + kernel + " with grid [" + gridX + ", " + gridY
                    + ", " + gridZ + "], block [" + blockX + ", " + blockY + ", " + blockZ + "], "
                    + dynamicSharedBytes + " bytes of shared memory: dimensions must be positive and fit 32 bits");
        }
        MemorySegment kernelParams = LaunchParams.kernelParams(params); // the struct is this thread's, in place
        bind();
        CudaFunction f = modules.function(kernel);
        f.checkParams(params, spec);
        f.allowDynamicShared(dynamicSharedBytes, spec);
        bind(); // a virtual thread that waited for a lock above may have moved to another carrier thread
        int rc = cuLaunchKernel(f.handle, (int) gridX, (int) gridY, (int) gridZ, blockX, blockY, blockZ,
                dynamicSharedBytes, stream, kernelParams, MemorySegment.NULL);
        if (rc != 0) {
            throw CudaErrors.error(rc, spec + ": cuLaunchKernel(" + kernel + ", grid [" + gridX + ", " + gridY + ", "
                    + gridZ + "], block [" + blockX + ", " + blockY + ", " + blockZ + "], shared " + dynamicSharedBytes + ")");
        }
    }

    @Override
    public long address(Memory memory) {
        return CudaMemory.address(memory);
    }

    @Override
    public Memory allocateScratch(long bytes) {
        return allocate(bytes);
    }

    @Override
    public void freeScratch(Memory memory) {
        free(memory);
    }

    @Override
    public int computeCapability() {
        return computeCapability;
    }

    @Override
    public int multiprocessorCount() {
        return multiprocessors;
    }

    @Override
    public int maxSharedBytesPerBlock() {
        return maxSharedOptIn;
    }

    /** A kernel attribute ({@code CU_FUNC_ATTRIBUTE_*}) of a packed kernel, for the probe and tools. */
    int functionAttribute(String kernel, int attribute) {
        bind();
        return modules.attribute(kernel, attribute);
    }
}
