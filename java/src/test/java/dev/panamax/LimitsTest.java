package dev.panamax;

import dev.panamax.internal.DeviceHandle;
import dev.panamax.testing.TestDevices;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests at the edge of what a device or the JDK can do get the API's exceptions, on each
 * backend: a shape of more than 2^63 - 1 bytes is an {@code IllegalArgumentException} (not the
 * JDK's {@code ArithmeticException}); a size no allocator can give is a
 * {@link DeviceOutOfMemoryException}, after which the device keeps working; a host segment of a
 * closed arena or confined to another thread is an {@code IllegalArgumentException} (not a
 * {@code WrongThreadException}); rows that I32 indices cannot address are refused by topK.
 */
class LimitsTest {

    private static void message(Throwable e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    private static void bad(Executable call, String... fragments) {
        message(assertThrows(IllegalArgumentException.class, call), fragments);
    }

    /** The device still allocates, computes and reads back after a refused or failed request. */
    private static void stillWorks(Device device) {
        try (Tensor x = device.tensor(new float[] {1, 2, 3, 4}, 2, 2); Tensor y = Ops.softmax(x)) {
            float[] p = y.toFloatArray();
            assertEquals(1.0, p[0] + p[1], 1e-6);
            assertEquals(1.0, p[2] + p[3], 1e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void bytesPast2To63AreAnIllegalArgument(String spec) {
        try (Device device = TestDevices.openOrSkip(spec)) {
            bad(() -> device.zeros(DType.F32, 1L << 62), "zeros", "2^63");
            bad(() -> device.zeros(DType.F32, 1L << 31, 1L << 31), "zeros", "2^63");
            bad(() -> device.tensor(MemorySegment.ofArray(new float[4]), DType.F16, 1L << 62, 4), "tensor", "2^63");
            assertEquals(0, ((DeviceHandle) device).openTensorCount());
            stillWorks(device);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void sizeNoAllocatorGivesIsOutOfMemory(String spec) {
        try (Device device = TestDevices.openOrSkip(spec)) {
            for (long bytes : new long[] {Long.MAX_VALUE, Long.MAX_VALUE / 2, 1L << 60}) {
                DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                        () -> device.zeros(DType.I8, bytes), spec + ": zeros(I8, " + bytes + ")");
                message(e, String.valueOf(bytes));
            }
            assertEquals(0, ((DeviceHandle) device).openTensorCount());
            stillWorks(device);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void hostSegmentOfAnotherThreadOrClosedArena(String spec) throws InterruptedException {
        try (Device device = TestDevices.openOrSkip(spec);
             Tensor t = device.tensor(new float[] {1, 2, 3, 4}, 4)) {
            AtomicReference<MemorySegment> confined = new AtomicReference<>();
            AtomicReference<Arena> arena = new AtomicReference<>();
            Thread other = new Thread(() -> {
                arena.set(Arena.ofConfined());
                confined.set(arena.get().allocate(16, 16));
            });
            other.start();
            other.join();
            MemorySegment foreign = confined.get();
            bad(() -> device.tensor(foreign, DType.F32, 4), "tensor", "another thread");
            bad(() -> t.copyTo(foreign), "copyTo", "another thread");
            bad(() -> t.copyFrom(foreign), "copyFrom", "another thread");

            MemorySegment closed;
            try (Arena a = Arena.ofConfined()) {
                closed = a.allocate(16, 16);
            }
            MemorySegment dead = closed;
            bad(() -> device.tensor(dead, DType.F32, 4), "tensor", "closed");
            bad(() -> t.copyTo(dead), "copyTo", "closed");
            bad(() -> t.copyFrom(dead), "copyFrom", "closed");
            assertArrayEquals(new float[] {1, 2, 3, 4}, t.toFloatArray());
            stillWorks(device);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void topKRowsPastI32IndicesAreRefused(String spec) {
        try (Device device = TestDevices.openOrSkip(spec);
             Tensor x = device.zeros(DType.F32, 0, (1L << 31) + 5)) {
            bad(() -> Ops.topK(x, 1), "topK", "2^31 - 1", "[0, 2147483653]");
            assertEquals(1, ((DeviceHandle) device).openTensorCount());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl:0"})
    void gemmOutputDtypeMessageReadsWell(String spec) {
        try (Device device = TestDevices.openOrSkip(spec);
             Tensor a = device.zeros(DType.F32, 2, 3);
             Tensor b = device.zeros(DType.F32, 3, 4);
             Tensor c = device.zeros(DType.BF16, 2, 4);
             Tensor a16 = device.zeros(DType.F16, 2, 3);
             Tensor b16 = device.zeros(DType.F16, 3, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.gemm(1, a, false, b, false, 0, c));
            assertEquals("gemm: c must be F32, got BF16", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.gemm(1, a16, false, b16, false, 0, c));
            assertEquals("gemm: c must be F32 or F16 (the dtype of a), got BF16", e.getMessage());
        }
    }
}
