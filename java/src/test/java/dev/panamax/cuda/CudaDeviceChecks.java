package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.DeviceException;
import dev.panamax.DeviceOutOfMemoryException;
import dev.panamax.Tensor;
import dev.panamax.internal.DeviceHandle;
import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks of a CUDA device's host side (allocation, copies, memsets, launches, threads, out of
 * memory) shared by the GPU test ({@link CudaDeviceTest}) and the driver-double run
 * ({@link MockDriverChecks}).
 */
final class CudaDeviceChecks {
    private CudaDeviceChecks() {
    }

    static CudaDevice backend(Device d) {
        return (CudaDevice) ((DeviceHandle) d).backendDevice();
    }

    /** Host -> device -> host, zeros, device -> CPU -> device, device -> device, ints; awkward sizes. */
    static void roundTrips(Device d) {
        Random random = new Random(42);
        for (int n : new int[] {1, 7, 33, 127, 1000, 65_537}) {
            float[] data = new float[n];
            for (int i = 0; i < n; i++) {
                data[i] = random.nextFloat() - 0.5f;
            }
            try (Tensor t = d.tensor(data, n); Tensor z = d.zeros(DType.F32, n)) {
                assertArrayEquals(data, t.toFloatArray(), "round trip of " + n);
                assertArrayEquals(new float[n], z.toFloatArray(), "zeros of " + n);
                try (Tensor onCpu = t.to(Device.cpu()); Tensor back = onCpu.to(d)) {
                    assertArrayEquals(data, back.toFloatArray(), "cuda -> cpu -> cuda of " + n);
                }
                try (Tensor copy = t.to(d)) {
                    assertArrayEquals(data, copy.toFloatArray(), "device-to-device copy of " + n);
                }
            }
        }
        int[] ints = {3, -1, 7, Integer.MAX_VALUE, Integer.MIN_VALUE};
        try (Tensor t = d.tensor(ints, 5)) {
            assertArrayEquals(ints, t.toIntArray());
        }
    }

    /** Launches that work, and launches the backend refuses before the driver sees them. */
    static void launches(CudaDevice device) {
        device.launch("empty_kernel", 1000, 1, 1, 256, 1, 1, 0, null);
        device.launch("empty_kernel", 1, 1, 1, 32, 1, 1, 100_000, null); // above 48 KiB: opts in first
        device.synchronize();
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> device.launch("no_such_kernel", 1, 1, 1, 1, 1, 1, 0, null));
        assertTrue(unknown.getMessage().contains("no kernel named 'no_such_kernel'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> device.launch("empty_kernel", 1L << 32, 1, 1, 1, 1, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> device.launch("empty_kernel", 0, 1, 1, 1, 1, 1, 0, null));
        var shared = assertThrows(IllegalArgumentException.class,
                () -> device.launch("empty_kernel", 1, 1, 1, 1, 1, 1, device.maxSharedBytesPerBlock() + 1, null));
        assertTrue(shared.getMessage().contains("dynamic shared memory"), shared.getMessage());
        var extra = assertThrows(IllegalArgumentException.class, () -> device.launch("empty_kernel", 1, 1, 1, 1, 1, 1, 0,
                LaunchParams.struct(MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE))));
        assertTrue(extra.getMessage().contains("takes no parameters"), extra.getMessage());
        var wrong = assertThrows(IllegalArgumentException.class, () -> device.launch(ArchProbe.KERNEL, 1, 1, 1, 1, 1, 1, 0,
                LaunchParams.struct(MemoryLayout.sequenceLayout(12, ValueLayout.JAVA_BYTE))));
        assertTrue(wrong.getMessage().contains("takes a 8-byte parameter struct but the launch passes 12 bytes"),
                wrong.getMessage());
        try (Arena arena = Arena.ofConfined()) { // parameters anywhere but in this thread's launch buffer
            var foreign = assertThrows(IllegalArgumentException.class,
                    () -> device.launch(ArchProbe.KERNEL, 1, 1, 1, 1, 1, 1, 0, arena.allocate(ArchProbe.PARAMS)));
            assertTrue(foreign.getMessage().contains("LaunchParams.struct"), foreign.getMessage());
        }
        Memory scratch = device.allocateScratch(64);
        device.zero(scratch, 64);
        device.freeScratch(scratch);
        device.synchronize();
    }

    /** Several threads at once, each new to CUDA, each doing its own round trips. */
    static void hammer(Device d, ExecutorService pool) throws Exception {
        List<Future<?>> jobs = new ArrayList<>();
        for (int j = 0; j < 32; j++) {
            int seed = j;
            jobs.add(pool.submit(() -> {
                float[] data = new float[100 + seed];
                Arrays.fill(data, seed);
                for (int r = 0; r < 20; r++) {
                    try (Tensor t = d.tensor(data, data.length)) {
                        assertArrayEquals(data, t.toFloatArray());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
    }

    /** An allocation larger than the device is DeviceOutOfMemoryException, and the device works on. */
    static void outOfMemory(Device d) {
        long elements = d.memoryBytes() / 4 + (1L << 28);
        DeviceException e = assertThrows(DeviceOutOfMemoryException.class, () -> d.zeros(DType.F32, elements));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
        assertEquals(2, e.errorCode());
        assertTrue(e.getMessage().contains("cannot allocate " + elements * 4 + " bytes"), e.getMessage());
        try (Tensor t = d.zeros(DType.F32, 1 << 20)) {
            assertEquals(0f, t.toFloatArray()[(1 << 20) - 1], "the device still works after running out");
        }
    }
}
