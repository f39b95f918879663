package dev.panamax.opencl;

import dev.panamax.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Every packed program builds on the device, for every dtype the ops take. */
class OpenClProgramsTest extends OpenClDeviceTest {
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void everyProgramBuilds(DType dtype) {
        OpenClKernels kernels = (OpenClKernels) backend().kernels();
        assertNotNull(kernels.program("gemm.cl", dtype, DType.F32));
        assertNotNull(kernels.program("gemm.cl", dtype, dtype));
        assertNotNull(kernels.program("softmax.cl", dtype, null));
        assertNotNull(kernels.program("attention.cl", dtype, null));
        assertNotNull(kernels.program("topk.cl", dtype, null));
        assertNotNull(kernels.program("convert.cl", null, null));
    }
}
