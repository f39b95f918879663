package dev.panamax.cuda;

import dev.panamax.testing.DeviceUnderTest;

/**
 * The opt-in wgmma GEMM's cases on the CUDA emulator, which runs gemm_wgmma.cu's sm_90a body with
 * wgmma.mma_async modelled from the PTX ISA's descriptor and swizzle layouts (see
 * java/src/test/native/cuda/emu/emu_runtime.cpp). The model and the kernel were written from the same reading of
 * the ISA, so agreement here is not proof that the hardware agrees: only a GPU run is.
 */
class CudaEmulatedWgmmaGemmTest extends CudaWgmmaGemmTest {
    @Override
    protected DeviceUnderTest openUnderTest() {
        return EmulatedCuda.open();
    }

    /** 1000^3 takes about a second on the emulator, 2048^3 twenty, 4096^3 minutes: those three are skipped. */
    @Override
    protected long maxMultiplyAdds() {
        return 1L << 31;
    }
}
