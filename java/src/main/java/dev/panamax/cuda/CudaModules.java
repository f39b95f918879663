package dev.panamax.cuda;

import dev.panamax.bindings.cuda.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.panamax.bindings.cuda.cuda_h.CUDA_SUCCESS;
import static dev.panamax.bindings.cuda.cuda_h.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES;
import static dev.panamax.bindings.cuda.cuda_h.C_INT;
import static dev.panamax.bindings.cuda.cuda_h.C_LONG;
import static dev.panamax.bindings.cuda.cuda_h.C_POINTER;
import static dev.panamax.bindings.cuda.cuda_h.cuFuncGetAttribute;
import static dev.panamax.bindings.cuda.cuda_h.cuModuleGetFunction;
import static dev.panamax.bindings.cuda.cuda_h.cuModuleLoadData;

/**
 * The kernels of one device: each packed fatbin is loaded as a module on first need (one module
 * per kernels/cuda source, listed by {@link KernelIndex}), and each function looked up once and
 * cached. Modules and the host copies of their images live as long as the device: the JVM.
 * A thread that waited for the lock makes the device's context current again before it loads: a
 * virtual thread may resume on another carrier thread, where another context, or none, is current.
 */
final class CudaModules {
    private final String spec;
    private final KernelIndex index;
    private final int maxSharedOptIn;
    private final ConcurrentHashMap<String, CudaFunction> functions = new ConcurrentHashMap<>();
    private final Map<String, MemorySegment> modules = new HashMap<>(); // guarded by this
    private final Arena images = Arena.ofShared();                       // never closed: device lifetime
    private final Runnable bind;                                         // makes the device's context current

    CudaModules(String spec, KernelIndex index, int maxSharedOptIn, Runnable bind) {
        this.spec = spec;
        this.index = index;
        this.maxSharedOptIn = maxSharedOptIn;
        this.bind = bind;
    }

    /** The kernel {@code name}, loading its module first if needed; the device's context is current. */
    CudaFunction function(String name) {
        CudaFunction f = functions.get(name);
        return f != null ? f : load(name);
    }

    private synchronized CudaFunction load(String name) {
        CudaFunction f = functions.get(name);
        if (f != null) {
            return f;
        }
        bind.run();
        String fatbin = index.fatbinOf(name);
        if (fatbin == null) {
            throw new IllegalArgumentException(spec + ": no kernel named '" + name + "' in the packed fatbins "
                    + index.fatbins());
        }
        MemorySegment module = modules.get(fatbin);
        if (module == null) {
            module = loadModule(fatbin);
            modules.put(fatbin, module);
        }
        f = lookUp(module, name);
        functions.put(name, f);
        return f;
    }

    private MemorySegment loadModule(String fatbin) {
        byte[] bytes = KernelIndex.read(fatbin);
        MemorySegment image = images.allocate(bytes.length, 16);
        MemorySegment.copy(bytes, 0, image, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_POINTER);
            CudaErrors.check(cuModuleLoadData(out, image), spec + ": cuModuleLoadData(" + fatbin + ")");
            return out.get(C_POINTER, 0);
        }
    }

    private CudaFunction lookUp(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_POINTER);
            CudaErrors.check(cuModuleGetFunction(out, module, arena.allocateFrom(name)),
                    spec + ": cuModuleGetFunction(" + name + ")");
            MemorySegment handle = out.get(C_POINTER, 0);
            MemorySegment attr = arena.allocate(C_INT);
            CudaErrors.check(cuFuncGetAttribute(attr, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES(), handle),
                    spec + ": cuFuncGetAttribute(" + name + ", SHARED_SIZE_BYTES)");
            int staticShared = attr.get(C_INT, 0);
            return new CudaFunction(name, handle, paramBytes(arena, handle, name), staticShared, maxSharedOptIn);
        }
    }

    /**
     * The size of the kernel's one parameter, 0 when it takes none, -1 when the driver cannot
     * say (cuFuncGetParamInfo came with CUDA 12.4). A second parameter breaks the launcher's ABI.
     */
    private long paramBytes(Arena arena, MemorySegment handle, String name) {
        MemorySegment offset = arena.allocate(C_LONG);
        MemorySegment size = arena.allocate(C_LONG);
        int first;
        try {
            first = cuda_h.cuFuncGetParamInfo(handle, 0, offset, size);
        } catch (LinkageError olderDriver) {
            return -1;
        }
        if (first != CUDA_SUCCESS()) {
            return first == cuda_h.CUDA_ERROR_INVALID_VALUE() ? 0 : -1;
        }
        long bytes = size.get(C_LONG, 0);
        if (cuda_h.cuFuncGetParamInfo(handle, 1, offset, size) == CUDA_SUCCESS()) {
            throw new IllegalStateException(spec + ": kernel " + name
                    + " takes more than one parameter; the CUDA launcher passes exactly one struct by value");
        }
        return bytes;
    }

    /** The function attribute {@code attribute} of kernel {@code name} (loading it if needed). */
    int attribute(String name, int attribute) {
        CudaFunction f = function(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_INT);
            CudaErrors.check(cuFuncGetAttribute(out, attribute, f.handle), spec + ": cuFuncGetAttribute(" + name + ")");
            return out.get(C_INT, 0);
        }
    }
}
