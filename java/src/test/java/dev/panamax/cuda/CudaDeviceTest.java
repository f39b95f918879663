package dev.panamax.cuda;

import dev.panamax.Backend;
import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Tensor;
import dev.panamax.internal.Allocation;
import dev.panamax.testing.DeviceUnderTest;
import dev.panamax.testing.Garbage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA device on a real GPU: what it reports, the code the driver loaded, copies, launches,
 * threads, out of memory, and that closing frees. Skipped without a GPU unless
 * {@code panamax.require} names cuda (then it fails).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaDeviceTest {
    private DeviceUnderTest underTest;
    private Device device;

    @BeforeAll
    final void open() {
        underTest = openUnderTest();
    }

    /** cuda:0 (CudaEmulatedDeviceTest: on the emulator). */
    protected DeviceUnderTest openUnderTest() {
        return DeviceUnderTest.open("cuda:0");
    }

    @BeforeEach
    void present() {
        device = underTest.get(); // each test is skipped, with the reason, without a GPU
    }

    @AfterAll
    final void close() {
        underTest.close();
    }

    @Test
    void reportsWhatItIs() {
        assertEquals(Backend.CUDA, device.backend());
        assertEquals("cuda:0", device.spec());
        assertTrue(device.memoryBytes() > 0);
        Map<String, String> info = device.info();
        assertTrue(info.get("compute capability").matches("\\d+\\.\\d"), info.toString());
        assertTrue(Integer.parseInt(info.get("multiprocessors")) > 0, info.toString());
        assertTrue(info.get("driver").startsWith("CUDA "), info.toString());
    }

    @Test
    void loadsTheCodeBuiltForThisGpu() {
        CudaDevice cuda = CudaDeviceChecks.backend(device);
        int cc = cuda.computeCapability();
        Fatbin.Entry expected = Fatbin.parse(KernelIndex.read("launch_probe.fatbin")).bestFor(cc);
        String kernels = device.info().get("kernels");
        // On an H100/H200 this is what decides whether the wgmma (sm_90a) kernels run at all.
        String want = expected.ptx() ? expected.target() + " PTX" : expected.target() + " cubin";
        assertTrue(kernels.startsWith(want), "compute capability " + cc + ": expected " + want + ", the driver loaded " + kernels);
    }

    @Test
    void copiesAndZeros() {
        CudaDeviceChecks.roundTrips(device);
    }

    @Test
    void sizesPastTwoToThe31() {
        long n = (1L << 31) + 17; // bytes of I8: 64-bit sizes through allocation and memset
        if (device.memoryBytes() < 4 * n) {
            return;
        }
        try (Tensor t = device.zeros(DType.I8, n)) {
            device.synchronize();
            assertEquals(n, t.size());
        }
    }

    @Test
    void launches() {
        CudaDeviceChecks.launches(CudaDeviceChecks.backend(device));
    }

    @Test
    void threads() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            CudaDeviceChecks.hammer(device, pool);
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CudaDeviceChecks.hammer(device, pool);
        }
    }

    @Test
    void outOfMemory() {
        CudaDeviceChecks.outOfMemory(device);
    }

    @Test
    void closingFreesEveryTensor() {
        long before = Garbage.settle(Backend.CUDA);
        Device d = Device.open("cuda:0");
        for (int i = 0; i < 10; i++) {
            d.zeros(DType.F32, 1000 + i);
        }
        assertEquals(before + 10, Allocation.liveCount(Backend.CUDA));
        d.close();
        assertEquals(before, Allocation.liveCount(Backend.CUDA));
    }
}
