package dev.panamax.conformance;

import dev.panamax.Backend;
import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.internal.Allocation;
import dev.panamax.internal.DeviceHandle;
import dev.panamax.testing.Data;
import dev.panamax.testing.Raw;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tensors on the device under test: creation, host copies (heap and native segments, unaligned
 * slices, bounds), moves between devices, mixing devices, and use after close.
 */
abstract class TensorCases extends DeviceCases {

    private static int[] randomBits(DType dtype, int n, Data data) {
        int[] bits = new int[n];
        for (int i = 0; i < n; i++) {
            int r = data.random().nextInt();
            bits[i] = dtype.byteSize() == 4 ? r : dtype.byteSize() == 2 ? r & 0xFFFF : (byte) r;
        }
        return bits;
    }

    @Test
    void creation() {
        Data data = Data.fresh();
        float[] f = data.normal(1001, 1);
        int[] ints = randomBits(DType.I32, 1001, data);
        try (Tensor z = device().zeros(DType.BF16, 7, 11, 13);
             Tensor zi = device().zeros(DType.I32, 1001);
             Tensor tf = device().tensor(f, 7, 11, 13);
             Tensor ti = device().tensor(ints, 1001)) {
            assertEquals(device(), z.device());
            assertEquals(DType.BF16, z.dtype());
            assertArrayEquals(new long[] {7, 11, 13}, z.shape());
            assertEquals(1001, z.size());
            assertArrayEquals(new float[1001], z.toFloatArray());
            assertArrayEquals(new int[1001], zi.toIntArray());
            assertArrayEquals(f, tf.toFloatArray(), data.describe());
            assertArrayEquals(ints, ti.toIntArray(), data.describe());
            long[] shape = tf.shape();
            shape[0] = 99;
            assertArrayEquals(new long[] {7, 11, 13}, tf.shape(), "shape() must return a copy");
        }
    }

    /** copyTo and copyFrom with heap and native segments, larger than needed and unaligned slices. */
    @ParameterizedTest(name = "host copies of {0}")
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16", "I32", "I8"})
    void hostCopies(DType dtype) {
        Data data = Data.fresh();
        int n = 4099;
        long bytes = (long) n * dtype.byteSize();
        int[] bits = randomBits(dtype, n, data);
        try (Tensor t = Raw.tensor(device(), dtype, bits, n); Arena arena = Arena.ofConfined()) {
            List<MemorySegment> hosts = List.of(
                    MemorySegment.ofArray(new byte[(int) bytes]),
                    MemorySegment.ofArray(new long[(int) bytes / 8 + 3]),
                    arena.allocate(bytes, 64),
                    arena.allocate(bytes + 7, 8).asSlice(3));
            for (MemorySegment host : hosts) {
                // copyTo writes exactly the tensor's bytes: a sentinel beyond them stays
                MemorySegment padded = host;
                padded.fill((byte) 0x5A);
                t.copyTo(padded);
                for (long b = bytes; b < padded.byteSize(); b++) {
                    assertEquals((byte) 0x5A, padded.get(ValueLayout.JAVA_BYTE, b), "copyTo wrote past the tensor's bytes");
                }
                try (Tensor u = device().zeros(dtype, n)) {
                    u.copyFrom(padded);
                    assertArrayEquals(bits, Raw.bits(u), "copyTo then copyFrom through " + host + "; " + data.describe());
                }
                try (Tensor v = device().tensor(padded, dtype, n)) {
                    assertArrayEquals(bits, Raw.bits(v), "tensor(MemorySegment) reads the first bytes; " + data.describe());
                }
            }
            // a read-only segment is fine to read from
            try (Tensor w = device().zeros(dtype, n)) {
                MemorySegment source = arena.allocate(bytes, 8);
                t.copyTo(source);
                w.copyFrom(source.asReadOnly());
                assertArrayEquals(bits, Raw.bits(w));
            }
        }
    }

    @Test
    void hostSegmentBounds() {
        try (Tensor t = device().zeros(DType.F16, 10); Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(19);
            assertThrows(IllegalArgumentException.class, () -> t.copyTo(small));
            assertThrows(IllegalArgumentException.class, () -> t.copyFrom(small));
            assertThrows(IllegalArgumentException.class, () -> device().tensor(small, DType.F16, 10));
            assertThrows(IllegalArgumentException.class, () -> t.copyTo(arena.allocate(20).asReadOnly()));
            assertThrows(IllegalArgumentException.class, () -> t.copyTo(MemorySegment.ofArray(new byte[19])));
        }
    }

    /** to(Device) to the CPU and back, to another handle of the same device, and to the same handle. */
    @ParameterizedTest(name = "to(Device) round trips of {0}")
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16", "I32", "I8"})
    void moves(DType dtype) {
        Data data = Data.fresh();
        int[] bits = randomBits(dtype, 3000, data);
        try (Tensor t = Raw.tensor(device(), dtype, bits, 2, 1500);
             Tensor onCpu = t.to(Device.cpu());
             Tensor back = onCpu.to(device());
             Tensor same = t.to(device());
             Device other = Device.open(device().spec());
             Tensor there = t.to(other)) {
            for (Tensor copy : List.of(onCpu, back, same, there)) {
                assertEquals(dtype, copy.dtype());
                assertArrayEquals(new long[] {2, 1500}, copy.shape());
                assertArrayEquals(bits, Raw.bits(copy), "to(Device) must copy the bits; " + data.describe());
            }
            assertSame(Device.cpu(), onCpu.device());
            assertSame(device(), back.device());
            assertSame(other, there.device());
            // copies are independent of their source
            t.copyFrom(MemorySegment.ofArray(new byte[(int) t.size() * dtype.byteSize()]));
            assertArrayEquals(bits, Raw.bits(back), "a moved copy must not share memory with its source");
        }
    }

    /** Tensors of two handles on the same device mix; tensors on different hardware do not. */
    @Test
    void mixingDevices() {
        Data data = Data.fresh();
        float[] x = data.normal(64, 1);
        try (Device other = Device.open(device().spec());
             Tensor mine = device().tensor(x, 8, 8);
             Tensor theirs = other.zeros(DType.F32, 8, 8)) {
            Ops.softmax(mine, theirs);
            assertEquals(1.0, sum(theirs.toFloatArray(), 0, 8), 1e-5, "softmax into another handle's tensor");
        }
        if (device().backend() != Backend.CPU) {
            try (Tensor mine = device().zeros(DType.F32, 8, 8); Tensor host = Device.cpu().zeros(DType.F32, 8, 8)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.softmax(mine, host));
                assertTrue(e.getMessage().contains(device().spec()) && e.getMessage().contains("cpu"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> Ops.matmul(host, mine));
            }
        }
    }

    private static double sum(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i];
        }
        return s;
    }

    /** A closed tensor throws IllegalStateException from every method that touches its memory; close is idempotent. */
    @Test
    void closedTensors() {
        Tensor t = device().zeros(DType.F32, 4, 4);
        try (Tensor live = device().zeros(DType.F32, 4, 4)) {
            t.close();
            t.close();
            MemorySegment host = MemorySegment.ofArray(new float[16]);
            List<Runnable> uses = List.of(t::toFloatArray, () -> t.copyTo(host), () -> t.copyFrom(host),
                    () -> t.to(DType.F16), () -> t.to(Device.cpu()), () -> Ops.softmax(t).close(),
                    () -> Ops.softmax(live, t), () -> Ops.softmax(t, live), () -> Ops.matmul(live, t).close(),
                    () -> Ops.gemm(1, live, false, live, false, 0, t), () -> Ops.topK(t, 2).close());
            for (Runnable use : uses) {
                assertThrows(IllegalStateException.class, use::run);
            }
            assertArrayEquals(new long[] {4, 4}, t.shape(), "shape stays readable after close");
        }
    }

    /** Closing a device handle frees every tensor made through it, and they throw afterwards. */
    @Test
    void closingTheDeviceFreesItsTensors() {
        Backend backend = device().backend();
        Device d = Device.open(device().spec());
        Tensor a = d.zeros(DType.F32, 1000);
        Tensor b = d.tensor(new float[] {1, 2, 3}, 3);
        assertEquals(2, ((DeviceHandle) d).openTensorCount());
        long open = Allocation.liveCount(backend);
        d.close();
        d.close();
        // the cleaner may free other tests' garbage meanwhile, so the count drops by at least 2
        assertTrue(Allocation.liveCount(backend) <= open - 2, "closing the device must free its tensors");
        assertEquals(0, ((DeviceHandle) d).openTensorCount());
        assertThrows(IllegalStateException.class, a::toFloatArray);
        assertThrows(IllegalStateException.class, () -> Ops.softmax(b).close());
        assertThrows(IllegalStateException.class, () -> d.zeros(DType.F32, 1));
        a.close();
    }
}
