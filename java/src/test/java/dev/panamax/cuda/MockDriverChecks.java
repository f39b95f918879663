package dev.panamax.cuda;

import dev.panamax.Device;
import dev.panamax.DeviceException;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.bindings.cuda.CudaLibrary;
import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs in a JVM of its own whose {@code panamax.cuda.library} is the driver double
 * (java/src/test/native/cuda/cuda_mock.c), started by {@link CudaMockDriverTest}: the backend's host side,
 * end to end through the bindings, with a driver that rejects calls made without the context,
 * out-of-range copies and double frees. Exits non-zero on the first failed check.
 */
public final class MockDriverChecks {
    private MockDriverChecks() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static SymbolLookup hooks;

    private static long hook(String name) {
        try {
            boolean wide = name.equals("mock_release_threshold");
            MethodHandle h = LINKER.downcallHandle(hooks.find(name).orElseThrow(),
                    FunctionDescriptor.of(wide ? ValueLayout.JAVA_LONG : ValueLayout.JAVA_INT));
            return wide ? (long) h.invokeExact() : (int) h.invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(name, e);
        }
    }

    /** {@code ok} runs every check; the other modes expect {@code Device.open("cuda")} to say why it cannot. */
    public static void main(String[] args) throws Exception {
        // One carrier thread for every virtual thread, so that movedVirtualThread can tell which
        // carrier a waiting virtual thread resumes on (read when the first virtual thread starts).
        System.setProperty("jdk.virtualThreadScheduler.parallelism", "1");
        System.setProperty("jdk.virtualThreadScheduler.maxPoolSize", "1");
        String expect = args.length > 0 ? args[0] : "ok";
        switch (expect) {
            case "ok" -> {
                hooks = SymbolLookup.libraryLookup(CudaLibrary.name(), Arena.global());
                everything();
                movedVirtualThread();
            }
            case "old-gpu" -> unavailable("cuda:0 (Panamax Mock GPU) has compute capability 7.5; the packed kernels hold"
                    + " sm_80 sm_86 sm_89 sm_90 sm_90a compute_90, none of which runs on it");
            case "old-driver" -> unavailable(" lacks cuMemAllocAsync (unresolved symbol: cuMemAllocAsync in ");
            case "no-device" -> unavailable("no CUDA-capable GPU is visible: cuInit returned CUDA_ERROR_NO_DEVICE (100)");
            case "no-library" -> unavailable("(named by -Dpanamax.cuda.library) could not be opened");
            default -> throw new IllegalArgumentException(expect);
        }
        System.out.println("mock driver checks passed: " + expect);
    }

    /** Opening says {@code why}, again on a second try, and nothing lists cuda. */
    private static void unavailable(String why) {
        for (String spec : new String[] {"cuda", "cuda:0"}) {
            var e = assertThrows(DeviceUnavailableException.class, () -> Device.open(spec));
            assertTrue(e.getMessage().contains(why), e.getMessage());
        }
        assertEquals(List.of("cpu"), cpuAndCuda());
    }

    /** Device.available() without the OpenCL devices this machine may also have (PoCL). */
    private static List<String> cpuAndCuda() {
        return Device.available().stream().filter(s -> !s.startsWith("opencl")).toList();
    }

    private static void everything() throws Exception {
        assertEquals(List.of("cpu", "cuda:0"), cpuAndCuda());
        try (Device d = Device.open("cuda")) {
            assertEquals("cuda:0", d.spec());
            assertEquals("Panamax Mock GPU", d.name());
            assertEquals(1L << 30, d.memoryBytes());
            assertEquals(1, hook("mock_stream_flags"), "a non-blocking stream");
            assertEquals(-1L, hook("mock_release_threshold"), "the pool keeps freed memory");

            CudaDeviceChecks.roundTrips(d);
            launches(CudaDeviceChecks.backend(d));
            threads(d);
            CudaDeviceChecks.outOfMemory(d);

            Map<String, String> info = d.info();
            assertEquals("9.0", info.get("compute capability"));
            assertEquals("132", info.get("multiprocessors"));
            assertEquals("CUDA 13.0", info.get("driver"));
            assertEquals("sm_80 sm_86 sm_89 sm_90 sm_90a compute_90", info.get("fatbin targets"));
            assertEquals("sm_90a cubin", info.get("kernels"), info.toString());
            assertEquals("stream-ordered pool (cuMemAllocAsync)", info.get("allocator"));
            assertEquals(1, hook("mock_module_loads"), "launch_probe.fatbin loaded once");
        }
        assertEquals(0, hook("mock_live_allocations"), "closing the device frees every tensor");
        assertThrows(DeviceUnavailableException.class, () -> Device.open("cuda:1"));
    }

    /**
     * A virtual thread that waits for a lock between making the context current and calling the
     * driver may resume on another carrier thread, where another context, or none, is current.
     * Here it waits for the module lock of a fresh device while another virtual thread leaves no
     * context current on the only carrier; its launch must still load the module and run.
     */
    private static void movedVirtualThread() throws Exception {
        CudaDevice device = new CudaDevice(0, CudaDriver.packedTargets());
        java.lang.reflect.Field f = CudaDevice.class.getDeclaredField("modules");
        f.setAccessible(true);
        Object modules = f.get(device);
        Throwable[] failure = new Throwable[1];
        Thread waiting;
        synchronized (modules) {
            waiting = Thread.ofVirtual().uncaughtExceptionHandler((t, e) -> failure[0] = e)
                    .start(() -> device.launch("empty_kernel", 1, 1, 1, 32, 1, 1, 0, null));
            while (waiting.getState() != Thread.State.BLOCKED) {
                Thread.sleep(1);
            }
            Thread.ofVirtual().start(() -> dev.panamax.bindings.cuda.cuda_h.cuCtxSetCurrent(
                    java.lang.foreign.MemorySegment.NULL)).join();
        }
        waiting.join();
        if (failure[0] != null) {
            throw new AssertionError("a launch from a virtual thread that changed carriers failed", failure[0]);
        }
        device.synchronize();
    }

    private static void launches(CudaDevice device) {
        int before = (int) hook("mock_launches");
        CudaDeviceChecks.launches(device);
        assertEquals(232448, hook("mock_max_dynamic_shared"), "the dynamic shared limit was raised to the opt-in maximum");
        assertEquals(before + 2, hook("mock_launches"), "refused launches never reached the driver");
        Memory scratch = device.allocateScratch(64);
        device.freeScratch(scratch);
        var twice = assertThrows(DeviceException.class, () -> device.freeScratch(scratch));
        assertEquals("CUDA_ERROR_INVALID_VALUE", twice.errorName(), "the double free reached the driver as itself");
        assertEquals(1, twice.errorCode());
    }

    /**
     * Platform and virtual threads that never touched CUDA: each must make the context current
     * before its first call (the double rejects calls without it). A platform thread does so once;
     * a virtual thread, which may change carrier threads, on every call.
     */
    private static void threads(Device d) throws Exception {
        long before = hook("mock_context_switches");
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            CudaDeviceChecks.hammer(d, pool);
        }
        long platform = hook("mock_context_switches") - before;
        assertTrue(platform >= 1 && platform <= 8, "8 platform threads switched context " + platform + " times");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CudaDeviceChecks.hammer(d, pool);
        }
        assertTrue(hook("mock_context_switches") - before - platform >= 32 * 20, "virtual threads set it every call");
    }
}
