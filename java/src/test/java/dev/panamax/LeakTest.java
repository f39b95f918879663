package dev.panamax;

import dev.panamax.internal.Allocation;
import dev.panamax.internal.DeviceHandle;
import dev.panamax.testing.Garbage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No leaks on the CPU: allocate/close cycles leave the live allocation counts (and the heap) where
 * they were, and a tensor dropped without close is freed by the cleaner. Counts come from
 * {@link Allocation#liveCount}, which every backend's allocations go through.
 */
class LeakTest {
    private static final int CYCLES = 20_000;

    /** Waits (bounded) until the cleaner has freed what earlier tests dropped: the live count holds still. */
    private static long settle() {
        return Garbage.settle(Backend.CPU);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(50);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void allocateCloseCyclesDoNotGrow() throws InterruptedException {
        long count = settle();
        long bytes = Allocation.liveBytes(Backend.CPU);
        DeviceHandle shared = (DeviceHandle) Device.cpu();
        int sharedOpen = shared.openTensorCount();
        DeviceHandle own = (DeviceHandle) Device.open("cpu");
        float[] values = new float[256];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 17 - 8;
        }
        long heapAtStart = -1;
        for (int i = 1; i <= CYCLES; i++) {
            Device d = i % 2 == 0 ? shared : own;
            try (Tensor a = d.zeros(DType.F32, 16, 16);
                 Tensor b = d.tensor(values, 16, 16);
                 Tensor h = b.to(DType.F16);
                 Tensor moved = a.to(i % 2 == 0 ? own : shared)) {
                assertEquals(a.size(), moved.size());
                if (i % 10 == 0) {
                    try (Tensor s = Ops.softmax(b); Tensor m = Ops.matmul(a, b); TopK k = Ops.topK(h, 3)) {
                        assertEquals(48, k.indices().size() + s.size() - m.size());
                    }
                }
                if (i % 10 == 5) { // views: they share their base's allocation and free nothing of their own
                    try (Tensor rows = b.slice(1, 15); Tensor flat = rows.reshape(-1, 8); Tensor copy = flat.to(DType.F16);
                         Tensor top = moved.slice(0, 14)) {
                        Ops.softmax(flat, flat);
                        rows.copyFrom(top);
                        assertEquals(224, copy.size());
                    }
                }
            }
            if (i % 1000 == 0) {
                assertEquals(count, Allocation.liveCount(Backend.CPU), "live allocations after " + i + " cycles");
                assertEquals(bytes, Allocation.liveBytes(Backend.CPU), "live bytes after " + i + " cycles");
                assertEquals(0, own.openTensorCount(), "tensors open on the device handle after " + i + " cycles");
                assertEquals(sharedOpen, shared.openTensorCount(), "tensors open on Device.cpu() after " + i + " cycles");
            }
            if (i == CYCLES / 4) {
                heapAtStart = usedHeapAfterGc();
            }
        }
        long heapGrowth = usedHeapAfterGc() - heapAtStart;
        assertTrue(heapGrowth < 16 << 20, "the heap grew by " + heapGrowth + " bytes over " + (CYCLES * 3 / 4) + " cycles");
        own.close();
        // A GC afterwards must not move the counts: closed tensors are not freed again by the cleaner.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(count, Allocation.liveCount(Backend.CPU), "live allocations after a GC");
        assertEquals(bytes, Allocation.liveBytes(Backend.CPU), "live bytes after a GC");
    }

    /** Makes tensors (and op results) on {@code d} and drops them without closing. */
    private static void allocateAndDrop(Device d, int n) {
        for (int i = 0; i < n; i++) {
            Tensor t = d.tensor(new float[] {i, 1, 2, 3}, 2, 2);
            if (i % 4 == 0) {
                Ops.softmax(t);
            }
        }
    }

    @Test
    void unreachableTensorsAreFreedByTheCleaner() throws InterruptedException {
        DeviceHandle d = (DeviceHandle) Device.open("cpu");
        allocateAndDrop(d, 200);
        assertEquals(250, d.openTensorCount());
        collectUntilNoneOpen(d);
        assertEquals(0, d.openTensorCount(), "the cleaner must free unreachable tensors");
        d.close();
    }

    /** Runs the GC until every allocation of {@code d} is freed, for a minute at most. */
    private static void collectUntilNoneOpen(DeviceHandle d) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (d.openTensorCount() > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
    }

    /**
     * Views dropped without close, their bases closed or dropped too: the cleaner frees each
     * allocation once its last tensor is unreachable, and only once (a second free would throw in
     * the cleaner's thread and leave the counts off).
     */
    @Test
    void unreachableViewsAreFreedByTheCleaner() throws InterruptedException {
        long count = settle();
        DeviceHandle d = (DeviceHandle) Device.open("cpu");
        for (int i = 0; i < 100; i++) {
            Tensor base = d.tensor(new float[] {i, 1, 2, 3, 4, 5}, 3, 2);
            Tensor view = base.slice(1, 3);
            view.reshape(-1);
            if (i % 2 == 0) {
                base.close(); // the views alone keep it
            }
            if (i % 3 == 0) {
                view.close();
            }
        }
        assertEquals(100, d.openTensorCount());
        collectUntilNoneOpen(d);
        assertEquals(0, d.openTensorCount(), "the cleaner must free allocations whose every tensor is unreachable");
        d.close();
        assertTrue(settle() <= count, "live CPU allocations after the cleaner freed the views' memory");
    }

    /** A dropped device handle with dropped tensors: the cleaner frees them all the same. */
    @Test
    void droppedDeviceHandlesAreFreedToo() throws InterruptedException {
        long count = settle();
        allocateAndDrop(Device.open("cpu"), 100);
        assertTrue(Allocation.liveCount(Backend.CPU) >= count + 100);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (Allocation.liveCount(Backend.CPU) > count && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(Allocation.liveCount(Backend.CPU) <= count, "the cleaner must free tensors of a dropped device handle");
    }
}
