package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.testing.Data;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tensors on cpu and opencl:0 meet only through to(Device); host copies take heap and native segments. */
class OpenClMixingTest extends OpenClDeviceTest {
    @Test
    void mixingDevicesIsRejected() {
        Data data = Data.fresh();
        try (Tensor onCl = device.tensor(data.normal(12, 1), 3, 4); Tensor onCpu = Device.cpu().tensor(data.normal(12, 1), 4, 3);
             Tensor out = device.zeros(DType.F32, 3, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.matmul(onCl, onCpu));
            assertTrue(e.getMessage().contains("opencl:0") && e.getMessage().contains("cpu"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Ops.gemm(1, onCl, false, onCpu, false, 0, out));
        }
    }

    @Test
    void toDeviceCopiesBothWays() {
        Data data = Data.fresh();
        float[] values = data.normal(1000, 1);
        try (Tensor onCpu = Device.cpu().tensor(values, 10, 100); Tensor onCl = onCpu.to(device);
             Tensor copy = onCl.to(device); Tensor back = copy.to(Device.cpu())) {
            assertArrayEquals(values, onCl.toFloatArray());
            assertArrayEquals(values, back.toFloatArray());
        }
    }

    @Test
    void hostSegmentsOfBothKinds() {
        int[] ints = {1, -2, 3, Integer.MAX_VALUE, Integer.MIN_VALUE};
        try (Tensor t = device.tensor(ints, 5); Arena arena = Arena.ofConfined()) {
            assertArrayEquals(ints, t.toIntArray());
            MemorySegment nat = arena.allocate(20);
            t.copyTo(nat);
            assertArrayEquals(ints, nat.toArray(ValueLayout.JAVA_INT));
            nat.setAtIndex(ValueLayout.JAVA_INT, 0, 42);
            t.copyFrom(nat);
            int[] heap = new int[5];
            t.copyTo(MemorySegment.ofArray(heap));
            assertArrayEquals(new int[] {42, -2, 3, Integer.MAX_VALUE, Integer.MIN_VALUE}, heap);
        }
    }

    @Test
    void zerosAreZero() {
        for (long n : new long[] {1, 3, 4, 1001}) {
            try (Tensor z = device.zeros(DType.BF16, n); Tensor i8 = device.zeros(DType.I8, n)) {
                assertArrayEquals(new float[(int) n], z.toFloatArray());
                MemorySegment raw = MemorySegment.ofArray(new byte[(int) n]);
                i8.copyTo(raw);
                assertArrayEquals(new byte[(int) n], raw.toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }
}
