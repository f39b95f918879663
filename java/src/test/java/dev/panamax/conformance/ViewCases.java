package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import dev.panamax.internal.DeviceHandle;
import dev.panamax.internal.TensorImpl;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Placement;
import dev.panamax.testing.Raw;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tensor views ({@code reshape}, {@code slice}) and {@code copyFrom(Tensor)} on the device under
 * test: shapes; writes seen through the base and the view; every op on views at awkward offsets
 * (one element in: 2 bytes for F16 and BF16, never 16-byte aligned; and 256 elements in, which
 * OpenCL passes as a sub-buffer) against the float64 reference, through the same case code as the
 * ops' own groups ({@link Placement}); outputs written into slices of larger tensors, whose other
 * bytes must stay as they were; lifetimes (a view outlives its closed base, the device closes
 * views, the cleaner frees once every tensor is unreachable, nothing freed twice); copies between
 * devices and between overlapping views (memmove); empty views; a base closed while another thread
 * runs ops on its view.
 */
abstract class ViewCases extends DeviceCases {
    /** One element in: 4 bytes (F32) or 2 (F16, BF16) past a 64-byte aligned allocation. */
    static final long ODD = 1;
    /** 256 elements in: 1 KiB (F32) or 512 bytes, a multiple of every OpenCL base address alignment seen. */
    static final long ALIGNED = 256;

    /** Every dtype at each offset, for {@link Placement#offsetBy}. */
    static List<Object[]> placements() {
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            cases.add(new Object[] {dtype, ODD});
            cases.add(new Object[] {dtype, ALIGNED});
        }
        return cases;
    }

    // ---------------------------------------------------------------- shapes and sharing

    @Test
    void shapesOfReshapeAndSlice() {
        Data data = Data.fresh();
        float[] x = data.normal(6 * 5 * 4, 1);
        try (Tensor t = device().tensor(x, 6, 5, 4);
             Tensor flat = t.reshape(-1);
             Tensor same = t.reshape(6, 5, 4);
             Tensor inferred = t.reshape(3, -1, 4);
             Tensor rows = t.slice(2, 5);
             Tensor rowsFlat = rows.reshape(15, 4);
             Tensor inner = rowsFlat.slice(4, 11);
             Tensor last = t.slice(5, 6);
             Tensor one = last.reshape(20)) {
            assertArrayEquals(new long[] {120}, flat.shape());
            assertArrayEquals(new long[] {6, 5, 4}, same.shape());
            assertArrayEquals(new long[] {3, 10, 4}, inferred.shape());
            assertArrayEquals(new long[] {3, 5, 4}, rows.shape());
            assertArrayEquals(new long[] {7, 4}, inner.shape());
            assertEquals(28, inner.size());
            assertEquals(DType.F32, inner.dtype());
            assertSame(device(), inner.device());
            assertArrayEquals(x, flat.toFloatArray());
            assertArrayEquals(Arrays.copyOfRange(x, 40, 100), rows.toFloatArray(), data.describe());
            assertArrayEquals(Arrays.copyOfRange(x, 40 + 16, 40 + 44), inner.toFloatArray(), data.describe());
            assertArrayEquals(Arrays.copyOfRange(x, 100, 120), one.toFloatArray(), data.describe());
            assertEquals(4L * (40 + 16), ((TensorImpl) inner).byteOffset());
        }
    }

    @Test
    void badViewsAreRefused() {
        try (Tensor t = device().zeros(DType.F16, 4, 6); Tensor empty = device().zeros(DType.F16, 0, 6)) {
            for (long[] range : new long[][] {{-1, 2}, {3, 2}, {0, 5}, {5, 5}, {-2, -1}}) {
                assertThrows(IllegalArgumentException.class, () -> t.slice(range[0], range[1]).close(), Arrays.toString(range));
            }
            for (long[] shape : new long[][] {{25}, {5, 5}, {-1, -1}, {-1, 7}, {-2, -12}, {4, -6}, {}, {1, 1, 1, 1, 1, 1, 1, 1, 24}}) {
                assertThrows(IllegalArgumentException.class, () -> t.reshape(shape).close(), Arrays.toString(shape));
            }
            assertThrows(IllegalArgumentException.class, () -> empty.reshape(0, -1).close(), "-1 beside a 0");
            assertThrows(IllegalArgumentException.class, () -> empty.reshape(-1, 0).close(), "-1 beside a 0");
            assertThrows(NullPointerException.class, () -> t.reshape((long[]) null).close());
        }
    }

    @Test
    void writesAreSeenThroughBaseAndView() {
        Data data = Data.fresh();
        float[] x = data.normal(8 * 33, 2);
        try (Tensor base = device().tensor(x, 8, 33);
             Tensor middle = base.slice(2, 6);
             Tensor flat = middle.reshape(-1)) {
            float[] fresh = data.normal(4 * 33, 1);
            flat.copyFrom(MemorySegment.ofArray(fresh));                       // a write through the view ...
            float[] want = x.clone();
            System.arraycopy(fresh, 0, want, 2 * 33, fresh.length);
            assertArrayEquals(want, base.toFloatArray(), "the base sees it; " + data.describe());
            Ops.softmax(base, base);                                           // ... and an op on the base
            double[] ref = Reference64.softmax(want, 8, 33);
            Check.close("softmax of the base, read through its view", middle.toFloatArray(),
                    Arrays.copyOfRange(ref, 2 * 33, 6 * 33), Tolerances.softmax(DType.F32), data);
            try (Tensor probabilities = Ops.softmax(middle)) {                 // an op on the view reads the base's bytes
                Check.close("softmax of a view", probabilities.toFloatArray(), Reference64.softmax(middle.toFloatArray(), 4, 33),
                        Tolerances.softmax(DType.F32), data);
            }
        }
    }

    // ---------------------------------------------------------------- every op on views

    @ParameterizedTest(name = "gemm on views {0}, {1} elements in")
    @MethodSource("placements")
    void gemm(DType dtype, long pad) {
        Data data = Data.fresh();
        Placement views = Placement.offsetBy(pad);
        GemmSpec.of(dtype, dtype, 33, 47, 65).check(device(), data, views);
        GemmSpec.of(dtype, DType.F32, 64, 64, 64).trans(true, true).scale(0.5f, 1.5f).check(device(), data, views);
        GemmSpec.of(dtype, dtype, 17, 130, 40).batched(3, true).trans(false, true).check(device(), data, views);
        GemmSpec.of(dtype, dtype, 5, 128, 256).batched(2, false).scale(1f, -1f).check(device(), data, views);
    }

    @ParameterizedTest(name = "matmul on views {0}, {1} elements in")
    @MethodSource("placements")
    void matmul(DType dtype, long pad) {
        Data data = Data.fresh();
        int batch = 2, m = 7, k = 40, n = 19;
        float[] a = Data.roundTo(dtype, data.normal(batch * m * k, 1));
        float[] b = Data.roundTo(dtype, data.normal(k * n, 1));
        try (Tensor ta = Placement.offsetBy(pad).tensor(device(), dtype, a, batch, m, k);
             Tensor tb = Placement.offsetBy(pad + 2).tensor(device(), dtype, b, k, n);
             Tensor c = Ops.matmul(ta, tb)) {
            assertArrayEquals(new long[] {batch, m, n}, c.shape());
            Check.close("matmul of views " + dtype, c.toFloatArray(), Reference64.gemm(batch, m, n, k, 1, a, false, b, false, false, 0, null),
                    Tolerances.accumulate(dtype), data);
        }
    }

    @ParameterizedTest(name = "softmax on views {0}, {1} elements in")
    @MethodSource("placements")
    void softmax(DType dtype, long pad) {
        Data data = Data.fresh();
        for (long[] shape : new long[][] {{3, 7}, {5, 1000}, {2, 4097}, {2, 3, 64}, {2, 20000}}) {
            int cols = (int) shape[shape.length - 1];
            int n = (int) SoftmaxCases.size(shape);
            float[] x = Data.roundTo(dtype, data.normal(n, 3));
            double[] ref = Reference64.softmax(x, n / cols, cols);
            String what = "softmax of a view " + dtype + " " + Arrays.toString(shape) + " " + pad + " in";
            try (Tensor tx = Placement.offsetBy(pad).tensor(device(), dtype, x, shape);
                 Tensor out = Ops.softmax(tx);
                 Tensor into = Placement.offsetBy(pad + 1).tensor(device(), dtype, Data.filled(n, Float.NaN), shape)) {
                Check.close(what, out.toFloatArray(), ref, Tolerances.softmax(dtype), data);
                Ops.softmax(tx, into);
                Check.close(what + " into a view", into.toFloatArray(), ref, Tolerances.softmax(dtype), data);
                Check.equal(what + " leaves x alone", tx.toFloatArray(), x, data);
            }
        }
    }

    @ParameterizedTest(name = "attention on views {0}, {1} elements in")
    @MethodSource("placements")
    void attention(DType dtype, long pad) {
        Data data = Data.fresh();
        Placement views = Placement.offsetBy(pad);
        AttentionSpec.of(1, 2, 2, 33, 65, 64, true).dtype(dtype).check(device(), data, views);   // prefill
        AttentionSpec.of(1, 4, 2, 1, 300, 128, true).dtype(dtype).check(device(), data, views);  // decode (split)
        AttentionSpec.of(2, 2, 1, 17, 40, 33, false).dtype(dtype).check(device(), data, views);  // odd D
        AttentionSpec.of(1, 2, 2, 20, 20, 200, true).dtype(dtype).check(device(), data, views);  // D > 128
    }

    @ParameterizedTest(name = "topKGating and topK on views {0}, {1} elements in")
    @MethodSource("placements")
    void selection(DType dtype, long pad) {
        Data data = Data.fresh();
        Placement views = Placement.offsetBy(pad);
        GatingSpec.of(33, 64, 8).dtype(dtype).renormalized().check(device(), data, views);
        GatingSpec.of(9, 37, 3).dtype(dtype).kind(GatingSpec.Kind.NON_FINITE).check(device(), data, views);
        TopKSpec.of(dtype, 5, TopKSpec.Kind.NORMAL, 7, 1000).check(device(), data, views);
        TopKSpec.of(dtype, 3, TopKSpec.Kind.NON_FINITE, 4, 33).check(device(), data, views);
        TopKSpec.of(dtype, 7, TopKSpec.Kind.NORMAL, 2, 10000).check(device(), data, views);   // longer than a chunk
    }

    @ParameterizedTest(name = "to(DType) and to(Device) of views {0}, {1} elements in")
    @MethodSource("placements")
    void conversions(DType dtype, long pad) {
        Data data = Data.fresh();
        float[] x = Data.roundTo(dtype, data.normal(1001, 10));
        try (Tensor view = Placement.offsetBy(pad).tensor(device(), dtype, x, 7, 11, 13)) {
            for (DType target : FLOATS) {
                try (Tensor converted = view.to(target)) {
                    assertArrayEquals(new long[] {7, 11, 13}, converted.shape());
                    Check.sameBits("to(" + target + ") of a " + dtype + " view", converted.toFloatArray(), Data.roundTo(target, x), data);
                }
            }
            try (Tensor onCpu = view.to(Device.cpu()); Tensor back = onCpu.to(device())) {
                Check.sameBits("to(Device) of a view", back.toFloatArray(), x, data);
            }
        }
    }

    /** Rows 1 to 9 of [10, 33]: 33 elements in (66 bytes for 16-bit dtypes), as softmax's, topK's and matmul's input. */
    @Test
    void slicesOfOddLengthRows() {
        Data data = Data.fresh();
        for (DType dtype : FLOATS) {
            int rows = 9, cols = 33, n = 5;
            float[] x = Data.roundTo(dtype, data.normal((rows + 1) * cols, 2));
            float[] w = Data.roundTo(dtype, data.normal(cols * n, 1));
            float[] tail = Arrays.copyOfRange(x, cols, x.length);
            try (Tensor base = Data.tensor(device(), dtype, x, rows + 1, cols);
                 Tensor slice = base.slice(1, rows + 1);
                 Tensor tw = Data.tensor(device(), dtype, w, cols, n);
                 Tensor probabilities = Ops.softmax(slice);
                 TopK top = Ops.topK(slice, 4);
                 Tensor product = Ops.matmul(slice, tw)) {
                String what = "rows 1.. of [10, 33] " + dtype;
                Check.close(what + ": softmax", probabilities.toFloatArray(), Reference64.softmax(tail, rows, cols),
                        Tolerances.softmax(dtype), data);
                Check.indices(what + ": topK", top.indices().toIntArray(), Reference64.topK(tail, rows, cols, 4).indices(), 4, data);
                Check.close(what + ": matmul", product.toFloatArray(), Reference64.gemm(1, rows, n, cols, 1, tail, false, w, false, false, 0, null),
                        Tolerances.accumulate(dtype), data);
            }
        }
    }

    // ---------------------------------------------------------------- outputs into views

    /** gemm's c and softmax's out as slices (one row in, one element in) of larger tensors: the rest stays as it was. */
    @ParameterizedTest(name = "outputs into slices, {0}, {1} elements in")
    @MethodSource("placements")
    void outputsIntoSlicesLeaveTheRestAlone(DType dtype, long pad) {
        Data data = Data.fresh();
        int m = 9, n = 21, k = 30;
        float[] a = Data.roundTo(dtype, data.normal(m * k, 1));
        float[] b = Data.roundTo(dtype, data.normal(k * n, 1));
        float[] sevens = Data.filled((int) pad + m * n + Placement.TAIL, 7);
        try (Tensor ta = Data.tensor(device(), dtype, a, m, k);
             Tensor tb = Data.tensor(device(), dtype, b, k, n);
             Tensor cBase = Data.tensor(device(), dtype, sevens, sevens.length);
             Tensor cFlat = cBase.slice(pad, pad + (long) m * n);
             Tensor c = cFlat.reshape(m, n);
             Tensor rowsBase = Data.tensor(device(), dtype, Data.filled((m + 2) * n, 7), m + 2, n);
             Tensor rows = rowsBase.slice(1, m + 1)) {
            Ops.gemm(1, ta, false, tb, false, 0, c);
            Ops.gemm(1, ta, false, tb, false, 0, rows);
            double[] want = Reference64.gemm(1, m, n, k, 1, a, false, b, false, false, 0, null);
            Check.close("gemm into a view " + dtype, c.toFloatArray(), want, Tolerances.accumulate(dtype), data);
            Check.close("gemm into a slice of rows " + dtype, rows.toFloatArray(), want, Tolerances.accumulate(dtype), data);
            untouched("gemm's c", cBase.toFloatArray(), (int) pad, (int) pad + m * n, 7, data);
            untouched("gemm's c (rows)", rowsBase.toFloatArray(), n, (m + 1) * n, 7, data);

            float[] x = Data.roundTo(dtype, data.normal(m * n, 2));
            try (Tensor tx = Data.tensor(device(), dtype, x, m, n)) {
                Ops.softmax(tx, c);
                Ops.softmax(tx, rows);
            }
            double[] probabilities = Reference64.softmax(x, m, n);
            Check.close("softmax into a view " + dtype, c.toFloatArray(), probabilities, Tolerances.softmax(dtype), data);
            Check.close("softmax into a slice of rows " + dtype, rows.toFloatArray(), probabilities, Tolerances.softmax(dtype), data);
            untouched("softmax's out", cBase.toFloatArray(), (int) pad, (int) pad + m * n, 7, data);
            untouched("softmax's out (rows)", rowsBase.toFloatArray(), n, (m + 1) * n, 7, data);
        }
    }

    private static void untouched(String what, float[] base, int from, int to, float value, Data data) {
        for (int i = 0; i < base.length; i++) {
            if ((i < from || i >= to) && base[i] != value) {
                throw new AssertionError(what + ": element " + i + " of the base, outside the view [" + from + ", " + to
                        + "), became " + base[i] + "; " + data.describe());
            }
        }
    }

    /**
     * softmax(x, out) where out is another view of exactly x's bytes runs in place; out
     * overlapping x otherwise is refused, before anything is written.
     */
    @Test
    void softmaxIntoAViewOfTheSameBytes() {
        Data data = Data.fresh();
        for (DType dtype : FLOATS) {
            int rows = 6, cols = 129;
            float[] x = Data.roundTo(dtype, data.normal(rows * cols, 3));
            try (Tensor base = Data.tensor(device(), dtype, x, rows, cols);
                 Tensor a = base.slice(1, 5);
                 Tensor b = base.slice(1, 5);
                 Tensor flat = base.reshape(-1);
                 Tensor aFlat = flat.slice(cols, 5L * cols);
                 Tensor shifted = base.slice(2, 6)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.softmax(a, shifted));
                assertTrue(e.getMessage().contains("softmax") && e.getMessage().contains("overlaps"), e.getMessage());
                Check.equal("a refused softmax writes nothing", base.toFloatArray(), x, data);
                Ops.softmax(a, b);
                double[] ref = Reference64.softmax(Arrays.copyOfRange(x, cols, 5 * cols), 4, cols);
                Check.close("softmax(x, another view of x's bytes) " + dtype, a.toFloatArray(), ref, Tolerances.softmax(dtype), data);
                float[] once = a.toFloatArray();
                try (Tensor square = aFlat.reshape(4, cols)) {
                    Ops.softmax(square, b);                                   // once more, through other views
                    ref = Reference64.softmax(once, 4, cols);
                    Check.close("softmax in place through two reshapes " + dtype, b.toFloatArray(), ref, Tolerances.softmax(dtype), data);
                }
                float[] all = base.toFloatArray();
                Check.equal("rows outside the views stay", Arrays.copyOfRange(all, 0, cols), Arrays.copyOfRange(x, 0, cols), data);
                Check.equal("rows outside the views stay", Arrays.copyOfRange(all, 5 * cols, 6 * cols),
                        Arrays.copyOfRange(x, 5 * cols, 6 * cols), data);
            }
        }
    }

    @Test
    void gemmRefusesOverlappingViews() {
        try (Tensor base = device().zeros(DType.F32, 3, 8, 8);
             Tensor rows = base.reshape(24, 8);
             Tensor a = rows.slice(0, 8);
             Tensor b = rows.slice(8, 16);
             Tensor overA = rows.slice(4, 12);
             Tensor c = rows.slice(16, 24)) {
            Ops.gemm(1, a, false, b, false, 0, c); // disjoint views of one allocation: fine
            assertThrows(IllegalArgumentException.class, () -> Ops.gemm(1, a, false, b, false, 0, overA));
            assertThrows(IllegalArgumentException.class, () -> Ops.gemm(1, overA, false, b, false, 0, a));
            assertThrows(IllegalArgumentException.class, () -> Ops.gemm(1, a, false, b, false, 0, b));
        }
    }

    // ---------------------------------------------------------------- lifetimes

    @Test
    void aViewOutlivesItsClosedBase() {
        Data data = Data.fresh();
        float[] x = data.normal(5 * 40, 1);
        Tensor base = device().tensor(x, 5, 40);
        Tensor view = base.slice(1, 4);
        Tensor ofView = view.reshape(-1);
        base.close();
        base.close();
        assertTrue(((TensorImpl) base).isClosed());
        assertFalse(((TensorImpl) view).isClosed());
        assertThrows(IllegalStateException.class, base::toFloatArray);
        assertThrows(IllegalStateException.class, () -> base.slice(0, 1), "a view of a closed tensor");
        assertThrows(IllegalStateException.class, () -> base.reshape(-1), "a view of a closed tensor");
        assertArrayEquals(Arrays.copyOfRange(x, 40, 160), view.toFloatArray(), data.describe());
        try (Tensor more = view.slice(1, 2); Tensor out = Ops.softmax(view)) {  // a view of an open view, the base closed
            assertArrayEquals(Arrays.copyOfRange(x, 80, 120), more.toFloatArray(), data.describe());
            Check.close("softmax of a view whose base is closed", out.toFloatArray(), Reference64.softmax(view.toFloatArray(), 3, 40),
                    Tolerances.softmax(DType.F32), data);
        }
        view.close();
        assertThrows(IllegalStateException.class, view::toFloatArray);
        assertArrayEquals(Arrays.copyOfRange(x, 40, 160), ofView.toFloatArray(), "the last open view keeps the memory");
        ofView.close();
        assertThrows(IllegalStateException.class, ofView::toFloatArray);
    }

    @Test
    void closingTheDeviceClosesEveryView() {
        Device d = Device.open(device().spec());
        DeviceHandle handle = (DeviceHandle) d;
        Tensor base = d.zeros(DType.F16, 10, 3);
        Tensor view = base.slice(2, 7);
        Tensor ofView = view.reshape(15);
        base.close(); // the views keep the allocation
        Tensor other = d.zeros(DType.F32, 4);
        Tensor otherView = other.reshape(2, 2);
        assertEquals(2, handle.openTensorCount());
        d.close();
        assertEquals(0, handle.openTensorCount(), "the device's close frees every allocation, views or not");
        for (Tensor t : List.of(view, ofView, other, otherView)) {
            assertTrue(((TensorImpl) t).isClosed(), t + " after the device closed");
            assertThrows(IllegalStateException.class, t::toFloatArray);
            assertThrows(IllegalStateException.class, () -> t.reshape(-1));
            t.close(); // still idempotent: nothing is freed twice
        }
    }

    /** A base dropped while a view lives: the memory stays; once both are unreachable the cleaner frees it. */
    @Test
    void theCleanerFreesOnceEveryTensorIsUnreachable() throws InterruptedException {
        try (Device d = Device.open(device().spec())) {
            DeviceHandle handle = (DeviceHandle) d;
            float[] x = Data.fresh().normal(64, 1);
            Tensor view = viewOfDroppedBase(d, x);
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(1, handle.openTensorCount(), "a reachable view keeps its dropped base's memory");
            assertArrayEquals(Arrays.copyOfRange(x, 16, 48), view.toFloatArray());
            Reference.reachabilityFence(view);
            view = null;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (handle.openTensorCount() > 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(0, handle.openTensorCount(), "the cleaner must free the memory once every tensor on it is unreachable");
        }
    }

    private static Tensor viewOfDroppedBase(Device d, float[] x) {
        Tensor base = d.tensor(x, 4, 16);
        Tensor middle = base.slice(1, 3);
        return middle.reshape(-1); // base and middle are garbage once this returns
    }

    // ---------------------------------------------------------------- copyFrom(Tensor)

    /** The device under test, another handle on it, the CPU, and every other backend this machine has. */
    private List<Device> otherDevices(List<Device> opened) {
        List<Device> devices = new ArrayList<>(List.of(device(), Device.cpu()));
        opened.add(Device.open(device().spec()));
        for (String spec : List.of("cpu", "opencl:0", "cuda:0")) {
            if (!spec.equals(device().spec())) {
                try {
                    opened.add(Device.open(spec));
                } catch (DeviceUnavailableException e) {
                    // not on this machine
                }
            }
        }
        devices.addAll(opened);
        return devices;
    }

    /**
     * copyFrom between the device under test and every device (itself included), each way, from
     * and into views at odd offsets: exactly the bits, nothing written outside the target view.
     */
    @Test
    void copyFromAcrossDevices() {
        Data data = Data.fresh();
        List<Device> opened = new ArrayList<>();
        try {
            for (Device other : otherDevices(opened)) {
                for (DType dtype : List.of(DType.F16, DType.I32)) {
                    copyBetween(device(), other, dtype, data);
                    copyBetween(other, device(), dtype, data);
                }
            }
        } finally {
            opened.forEach(Device::close);
        }
    }

    private static void copyBetween(Device from, Device to, DType dtype, Data data) {
        int n = 3 * 1001;
        int[] bits = new int[n + 5];
        int[] guard = new int[n + 9];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = data.random().nextInt() & (dtype == DType.F16 ? 0xFFFF : -1);
        }
        Arrays.fill(guard, dtype == DType.F16 ? 0x5A5A : 0x5A5A5A5A);
        String what = "copyFrom " + dtype + " " + from.spec() + " -> " + to.spec();
        try (Tensor src = Raw.tensor(from, dtype, bits, bits.length);
             Tensor dst = Raw.tensor(to, dtype, guard, guard.length);
             Tensor srcSlice = src.slice(3, 3 + n);
             Tensor srcView = srcSlice.reshape(3, 1001);
             Tensor dstView = dst.slice(5, 5 + n);
             Tensor whole = Raw.tensor(to, dtype, new int[n], n)) {
            dstView.copyFrom(srcView);
            int[] want = guard.clone();
            System.arraycopy(bits, 3, want, 5, n);
            assertArrayEquals(want, Raw.bits(dst), what + " into a view; " + data.describe());
            whole.copyFrom(srcView);
            assertArrayEquals(Arrays.copyOfRange(bits, 3, 3 + n), Raw.bits(whole), what + "; " + data.describe());
            srcView.copyFrom(whole); // from a whole tensor into a view: the same bits back
            assertArrayEquals(bits, Raw.bits(src), what + " back; " + data.describe());
            try (Tensor small = to.zeros(dtype, n - 1); Tensor other = to.zeros(dtype == DType.F16 ? DType.BF16 : DType.F32, n)) {
                assertThrows(IllegalArgumentException.class, () -> small.copyFrom(srcView), "another size");
                assertThrows(IllegalArgumentException.class, () -> other.copyFrom(srcView), "another dtype");
            }
        }
    }

    /** Overlapping views of one allocation, each direction, small and large shifts: memmove. */
    @Test
    void copyFromBetweenOverlappingViews() {
        Data data = Data.fresh();
        for (DType dtype : List.of(DType.F16, DType.F32)) {
            for (int shift : new int[] {1, 3, 64, 256, 4000}) {
                int n = 5000;
                int[] bits = new int[n];
                for (int i = 0; i < n; i++) {
                    bits[i] = data.random().nextInt() & (dtype == DType.F16 ? 0xFFFF : 0x3FFFFFFF);
                }
                for (boolean forward : new boolean[] {true, false}) {
                    try (Tensor base = Raw.tensor(device(), dtype, bits, n);
                         Tensor low = base.slice(0, n - shift);
                         Tensor high = base.slice(shift, n)) {
                        int[] want = bits.clone();
                        if (forward) {
                            low.copyFrom(high);
                            System.arraycopy(bits, shift, want, 0, n - shift);
                        } else {
                            high.copyFrom(low);
                            System.arraycopy(bits, 0, want, shift, n - shift);
                        }
                        assertArrayEquals(want, Raw.bits(base), "copyFrom between views " + shift + " apart, "
                                + (forward ? "down" : "up") + ", " + dtype + "; " + data.describe());
                        low.copyFrom(low); // onto itself: nothing changes
                        assertArrayEquals(want, Raw.bits(base), "copyFrom onto itself; " + data.describe());
                    }
                }
            }
        }
        // rows of a 2-D tensor, the views reshaped differently
        float[] x = data.normal(10 * 33, 1);
        try (Tensor base = device().tensor(x, 10, 33); Tensor top = base.slice(0, 7); Tensor rows = base.slice(3, 10);
             Tensor bottom = rows.reshape(-1)) {
            top.copyFrom(bottom);
            float[] want = x.clone();
            System.arraycopy(x, 3 * 33, want, 0, 7 * 33);
            assertArrayEquals(want, base.toFloatArray(), data.describe());
        }
    }

    // ---------------------------------------------------------------- empty views

    @Test
    void emptyViews() {
        Data data = Data.fresh();
        float[] x = data.normal(5 * 3, 1);
        try (Tensor t = device().tensor(x, 5, 3);
             Tensor none = t.slice(2, 2);
             Tensor atEnd = t.slice(5, 5);
             Tensor reshaped = none.reshape(3, 0);
             Tensor alsoNone = reshaped.reshape(0);
             Tensor b = device().zeros(DType.F32, 3, 4);
             Tensor product = Ops.matmul(none, b);
             Tensor probabilities = Ops.softmax(atEnd)) {
            assertArrayEquals(new long[] {0, 3}, none.shape());
            assertEquals(0, none.size());
            assertArrayEquals(new long[] {0, 3}, atEnd.shape());
            assertArrayEquals(new long[] {3, 0}, reshaped.shape());
            assertEquals(0, none.toFloatArray().length);
            assertEquals(0, alsoNone.toFloatArray().length);
            assertArrayEquals(new long[] {0, 4}, product.shape());
            assertEquals(0, probabilities.size());
            none.copyFrom(atEnd);
            none.copyFrom(MemorySegment.ofArray(new float[0]));
            Ops.gemm(1, none, false, b, false, 0, product);
            try (Tensor onCpu = none.to(Device.cpu()); Tensor half = none.to(DType.F16)) {
                assertEquals(0, onCpu.size());
                assertEquals(0, half.size());
            }
            assertArrayEquals(x, t.toFloatArray(), "empty views write nothing");
        }
    }

    // ---------------------------------------------------------------- concurrency

    /**
     * One thread runs softmax on a view while this one closes the view's base: every op succeeds
     * (the view keeps the memory) with the right result. Then it runs on a second view while this
     * one closes that view: each op completes or throws IllegalStateException, nothing else, and
     * the memory is freed once it stops.
     */
    @Test
    void closingTheBaseWhileAnotherThreadUsesTheView() throws InterruptedException {
        Data data = Data.fresh();
        int rows = 16, cols = 1000;
        float[] x = data.normal((rows + 2) * cols, 2);
        double[] ref = Reference64.softmax(Arrays.copyOfRange(x, cols, (rows + 1) * cols), rows, cols);
        Tensor base = device().tensor(x, rows + 2, cols);
        Tensor view = base.slice(1, rows + 1);
        Tensor second = view.reshape(-1, 10);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch running = new CountDownLatch(3);
        CountDownLatch secondPhase = new CountDownLatch(1);
        AtomicInteger phase = new AtomicInteger();
        AtomicInteger afterBaseClosed = new AtomicInteger();
        Thread worker = new Thread(() -> {
            try {
                while (phase.get() == 0) {
                    boolean closedBefore = ((TensorImpl) base).isClosed();
                    try (Tensor out = Ops.softmax(view)) {
                        Check.close("softmax of a view while its base closes", out.toFloatArray(), ref, Tolerances.softmax(DType.F32), data);
                    }
                    if (closedBefore) {
                        afterBaseClosed.incrementAndGet();
                    }
                    running.countDown();
                }
                secondPhase.countDown();
                while (true) {
                    try {
                        Ops.softmax(second).close();
                    } catch (IllegalStateException e) {
                        return; // the close won
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                while (running.getCount() > 0) { // a worker that failed early must not leave this thread waiting
                    running.countDown();
                }
                secondPhase.countDown();
            }
        }, "view-race-worker");
        worker.start();
        running.await();
        base.close();
        while (afterBaseClosed.get() < 3 && failure.get() == null && worker.isAlive()) {
            Thread.onSpinWait();
        }
        phase.set(1);
        secondPhase.await();
        view.close();
        Thread.sleep(data.random().nextInt(5));
        second.close();
        worker.join(60_000);
        assertFalse(worker.isAlive(), "the worker still runs a minute after the last view closed");
        if (failure.get() != null) {
            throw new AssertionError("the worker failed: " + failure.get(), failure.get());
        }
        assertTrue(afterBaseClosed.get() >= 3, "ops on the view after its base closed: " + afterBaseClosed.get());
        assertThrows(IllegalStateException.class, () -> Ops.softmax(second).close());
    }
}
