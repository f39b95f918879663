package dev.panamax.cuda;

import dev.panamax.DeviceException;
import dev.panamax.DeviceOutOfMemoryException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CUresult codes become exceptions with the code's name and number, whether or not a driver is here. */
class CudaErrorsTest {
    @Test
    void namesCodesFromCudaH() {
        assertEquals("CUDA_SUCCESS", CudaErrors.name(0));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", CudaErrors.name(2));
        assertEquals("CUDA_ERROR_NO_DEVICE", CudaErrors.name(100));
        assertEquals("CUDA_ERROR_NO_BINARY_FOR_GPU", CudaErrors.name(209));
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", CudaErrors.name(700));
        assertEquals("CUDA_ERROR_LAUNCH_FAILED", CudaErrors.name(719));
        assertEquals("CUDA_ERROR_UNKNOWN", CudaErrors.name(999));
    }

    @Test
    void unknownCodesReadAsNumbers() {
        assertNull(CuResult.name(12345));
        assertEquals("CUresult 12345", CudaErrors.name(12345));
        assertEquals("CUresult -1", CudaErrors.name(-1));
    }

    @Test
    void outOfMemoryIsItsOwnException() {
        DeviceException e = CudaErrors.error(2, "cuda:0: cuMemAllocAsync(1 TiB)");
        assertInstanceOf(DeviceOutOfMemoryException.class, e);
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
        assertEquals(2, e.errorCode());
        assertTrue(e.getMessage().startsWith("cuda:0: cuMemAllocAsync(1 TiB) failed: CUDA_ERROR_OUT_OF_MEMORY (2)"),
                e.getMessage());
    }

    @Test
    void otherFailuresCarryNameAndCode() {
        DeviceException e = CudaErrors.error(719, "cuda:0: cuLaunchKernel(gemm_f32_tiled)");
        assertFalse(e instanceof DeviceOutOfMemoryException);
        assertEquals("CUDA_ERROR_LAUNCH_FAILED", e.errorName());
        assertEquals(719, e.errorCode());
        assertTrue(e.getMessage().contains("cuLaunchKernel(gemm_f32_tiled) failed: CUDA_ERROR_LAUNCH_FAILED (719)"),
                e.getMessage());
    }

    @Test
    void successPassesAndFailureThrows() {
        CudaErrors.check(0, "nothing");
        DeviceException e = org.junit.jupiter.api.Assertions.assertThrows(DeviceException.class,
                () -> CudaErrors.check(1, "cuda:0: cuMemsetD8Async"));
        assertEquals("CUDA_ERROR_INVALID_VALUE", e.errorName());
    }
}
