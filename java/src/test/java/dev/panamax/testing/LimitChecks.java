package dev.panamax.testing;

import dev.panamax.Backend;
import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.DeviceOutOfMemoryException;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.internal.Allocation;
import dev.panamax.internal.DeviceHandle;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests at the edge of what a device or the JDK can do, checked the same way on every backend
 * (LimitsTest on cpu and opencl:0, CudaEmulatedLimitsTest on the CUDA emulator): a shape of more
 * than 2^63 - 1 bytes is an {@code IllegalArgumentException} (not the JDK's
 * {@code ArithmeticException}); a size no allocator can give is a {@link DeviceOutOfMemoryException},
 * after which the device keeps working; a host segment of a closed arena or confined to another
 * thread is an {@code IllegalArgumentException} (not a {@code WrongThreadException}); rows that I32
 * indices cannot address are refused by topK; dropped results do not pile up.
 */
public final class LimitChecks {
    private LimitChecks() {
    }

    private static void message(Throwable e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    private static void bad(Executable call, String... fragments) {
        message(assertThrows(IllegalArgumentException.class, call), fragments);
    }

    /** The device still allocates, computes and reads back after a refused or failed request. */
    public static void stillWorks(Device device) {
        try (Tensor x = device.tensor(new float[] {1, 2, 3, 4}, 2, 2); Tensor y = Ops.softmax(x)) {
            float[] p = y.toFloatArray();
            assertEquals(1.0, p[0] + p[1], 1e-6);
            assertEquals(1.0, p[2] + p[3], 1e-6);
        }
    }

    public static void bytesPast2To63AreAnIllegalArgument(Device device) {
        int open = ((DeviceHandle) device).openTensorCount();
        bad(() -> device.zeros(DType.F32, 1L << 62), "zeros", "2^63");
        bad(() -> device.zeros(DType.F32, 1L << 31, 1L << 31), "zeros", "2^63");
        bad(() -> device.tensor(MemorySegment.ofArray(new float[4]), DType.F16, 1L << 62, 4), "tensor", "2^63");
        assertEquals(open, ((DeviceHandle) device).openTensorCount());
        stillWorks(device);
    }

    public static void sizeNoAllocatorGivesIsOutOfMemory(Device device) {
        int open = ((DeviceHandle) device).openTensorCount();
        for (long bytes : new long[] {Long.MAX_VALUE, Long.MAX_VALUE / 2, 1L << 60}) {
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                    () -> device.zeros(DType.I8, bytes), device.spec() + ": zeros(I8, " + bytes + ")");
            message(e, String.valueOf(bytes));
        }
        assertEquals(open, ((DeviceHandle) device).openTensorCount());
        stillWorks(device);
    }

    public static void hostSegmentOfAnotherThreadOrClosedArena(Device device) throws InterruptedException {
        try (Tensor t = device.tensor(new float[] {1, 2, 3, 4}, 4)) {
            AtomicReference<MemorySegment> confined = new AtomicReference<>();
            Thread other = new Thread(() -> confined.set(Arena.ofConfined().allocate(16, 16)));
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
        }
        stillWorks(device);
    }

    public static void topKRowsPastI32IndicesAreRefused(Device device) {
        try (Tensor x = device.zeros(DType.F32, 0, (1L << 31) + 5)) {
            bad(() -> Ops.topK(x, 1), "topK", "2^31 - 1", "[0, 2147483653]");
        }
    }

    public static void gemmOutputDtypeMessageReadsWell(Device device) {
        try (Tensor a = device.zeros(DType.F32, 2, 3);
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

    /**
     * {@code count} results of [4, cols] F32 dropped without close: the backend's live bytes must
     * stay under {@code bound} at every step (and no allocation may fail on the way). Returns the peak.
     */
    public static long droppedResultsAreCollected(Device device, Backend backend, int count, int cols, long bound) {
        long peak = 0;
        try (Tensor x = device.zeros(DType.F32, 4, cols)) {
            for (int i = 0; i < count; i++) {
                Ops.softmax(x); // dropped
                peak = Math.max(peak, Allocation.liveBytes(backend));
            }
        }
        long dropped = (long) count * 16 * cols;
        System.out.printf("%s: dropped %d MiB, live peak %d MiB%n", device.spec(), dropped >> 20, peak >> 20);
        assertTrue(peak < bound, device.spec() + ": dropped results held " + (peak >> 20) + " MiB at the peak ("
                + (dropped >> 20) + " MiB dropped); the bound is " + (bound >> 20) + " MiB");
        return peak;
    }

    /** Tensors of {@code bytes} kept until the device is out of memory; then all closed, and the device works. */
    public static void exhaustThenRecover(Device device, long bytes, int most) {
        List<Tensor> kept = new ArrayList<>();
        DeviceOutOfMemoryException failure = null;
        try {
            for (int i = 0; i < most && failure == null; i++) {
                try {
                    kept.add(device.zeros(DType.I8, bytes));
                } catch (DeviceOutOfMemoryException e) {
                    failure = e;
                }
            }
        } finally {
            kept.forEach(Tensor::close);
        }
        assertTrue(failure != null, device.spec() + ": no DeviceOutOfMemoryException after " + kept.size() + " tensors of "
                + bytes + " bytes");
        stillWorks(device);
    }
}
