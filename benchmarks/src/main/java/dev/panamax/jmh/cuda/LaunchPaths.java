package dev.panamax.jmh.cuda;

import dev.panamax.Device;
import dev.panamax.bindings.cuda.cuda_h;
import dev.panamax.cuda.CudaProbe;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The three launch paths of {@link CudaLaunchBenchmark}, each set up on the benchmark's own thread
 * (a CUDA context is current per thread) with {@code empty_kernel} loaded from the packed
 * {@code launch_probe.fatbin} into device 0's primary context and a non-blocking stream of its own.
 */
public final class LaunchPaths {
    static final String FATBIN = "launch_probe.fatbin";
    static final String KERNEL = "empty_kernel";

    private LaunchPaths() {
    }

    /** Why no CUDA device can be used here, or null. */
    static String unavailable() {
        return Device.unavailable().get("cuda");
    }

    static void requireGpu() {
        String why = unavailable();
        if (why != null) {
            throw new IllegalStateException("CudaLaunchBenchmark needs a CUDA GPU: " + why);
        }
    }

    /** Through the Panamax CUDA device, as kernels launch. */
    @State(Scope.Thread)
    public static class Panamax {
        Device device;
        CudaProbe probe;

        @Setup(Level.Trial)
        public void setUp() {
            requireGpu();
            device = Device.open("cuda:0");
            probe = CudaProbe.of(device);
            probe.launchEmpty(); // loads the module
            probe.synchronize();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            device.close();
        }
    }

    /** Through the FFM bindings alone. */
    @State(Scope.Thread)
    public static class Bindings {
        private Arena arena;
        private int device;
        private MemorySegment module;
        private MemorySegment function;
        private MemorySegment stream;

        private static void check(int rc, String call) {
            if (rc != 0) {
                throw new IllegalStateException(call + " failed: CUresult " + rc);
            }
        }

        @Setup(Level.Trial)
        public void setUp() {
            requireGpu();
            arena = Arena.ofShared();
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            check(cuda_h.cuInit(0), "cuInit");
            check(cuda_h.cuDeviceGet(out, 0), "cuDeviceGet");
            device = out.get(ValueLayout.JAVA_INT, 0);
            check(cuda_h.cuDevicePrimaryCtxRetain(out, device), "cuDevicePrimaryCtxRetain");
            check(cuda_h.cuCtxSetCurrent(out.get(cuda_h.C_POINTER, 0)), "cuCtxSetCurrent");
            byte[] bytes = CudaProbe.fatbin(FATBIN);
            MemorySegment image = arena.allocate(bytes.length, 16);
            MemorySegment.copy(bytes, 0, image, ValueLayout.JAVA_BYTE, 0, bytes.length);
            check(cuda_h.cuModuleLoadData(out, image), "cuModuleLoadData");
            module = out.get(cuda_h.C_POINTER, 0);
            check(cuda_h.cuModuleGetFunction(out, module, arena.allocateFrom(KERNEL)), "cuModuleGetFunction");
            function = out.get(cuda_h.C_POINTER, 0);
            check(cuda_h.cuStreamCreate(out, cuda_h.CU_STREAM_NON_BLOCKING()), "cuStreamCreate");
            stream = out.get(cuda_h.C_POINTER, 0);
        }

        void launch() {
            check(cuda_h.cuLaunchKernel(function, 1, 1, 1, 1, 1, 1, 0, stream, MemorySegment.NULL, MemorySegment.NULL),
                    "cuLaunchKernel");
        }

        void synchronize() {
            check(cuda_h.cuStreamSynchronize(stream), "cuStreamSynchronize");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            check(cuda_h.cuStreamDestroy_v2(stream), "cuStreamDestroy");
            check(cuda_h.cuModuleUnload(module), "cuModuleUnload");
            check(cuda_h.cuDevicePrimaryCtxRelease_v2(device), "cuDevicePrimaryCtxRelease");
            arena.close();
        }
    }

    /** Through JCuda 12.0 (JNI), the peer. */
    @State(Scope.Thread)
    public static class JCuda {
        private CUdevice device;
        private CUmodule module;
        private CUfunction function;
        private CUstream stream;

        @Setup(Level.Trial)
        public void setUp() {
            requireGpu();
            try {
                JCudaDriver.setExceptionsEnabled(true); // a failed call throws CudaException
            } catch (LinkageError e) {
                throw new IllegalStateException("JCuda cannot load its native library: " + e, e);
            }
            JCudaDriver.cuInit(0);
            device = new CUdevice();
            JCudaDriver.cuDeviceGet(device, 0);
            CUcontext context = new CUcontext();
            JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
            JCudaDriver.cuCtxSetCurrent(context);
            module = new CUmodule();
            JCudaDriver.cuModuleLoadData(module, CudaProbe.fatbin(FATBIN));
            function = new CUfunction();
            JCudaDriver.cuModuleGetFunction(function, module, KERNEL);
            stream = new CUstream();
            JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        }

        void launch() {
            JCudaDriver.cuLaunchKernel(function, 1, 1, 1, 1, 1, 1, 0, stream, null, null);
        }

        void synchronize() {
            JCudaDriver.cuStreamSynchronize(stream);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            JCudaDriver.cuStreamDestroy(stream);
            JCudaDriver.cuModuleUnload(module);
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
        }
    }
}
