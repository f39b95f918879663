package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.Memory;
import dev.panamax.testing.Data;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * convert_copy, the kernel behind {@code Kernels.convert} with equal dtypes (16 bytes per thread
 * step and a byte tail), on the emulator. No public op reaches it: {@code Tensor.to} of the same
 * dtype is a device copy. The conformance suite therefore never launches it, so this test does. The
 * sizes make the 16-byte steps and the byte tail both run, alone and together.
 */
class CudaEmulatedConvertCopyTest extends EmulatedCudaClass {

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 15, 16, 17, 255, 4096, 65_539})
    void copiesEveryByte(int bytes) {
        CudaDevice cuda = CudaDeviceChecks.backend(underTest.get());
        byte[] in = new byte[bytes];
        Data.fresh().random().nextBytes(in);
        Memory src = cuda.allocate(bytes), dst = cuda.allocate(bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(bytes);
            MemorySegment.copy(in, 0, host, ValueLayout.JAVA_BYTE, 0, bytes);
            cuda.copyIn(host, src, bytes);
            cuda.zero(dst, bytes);
            cuda.kernels().convert(src, DType.I8, dst, DType.I8, bytes);
            MemorySegment back = arena.allocate(bytes);
            cuda.copyOut(dst, back, bytes);
            assertArrayEquals(in, back.toArray(ValueLayout.JAVA_BYTE), "convert_copy of " + bytes + " bytes");
        } finally {
            cuda.free(src);
            cuda.free(dst);
        }
    }
}
