package dev.panamax.cuda;

import dev.panamax.testing.DeviceUnderTest;

/**
 * CudaDeviceTest on the CUDA emulator: what the device reports, the code the arch probe says was
 * loaded (the emulator stands for the sm_90a cubin), copies, launches, several threads, out of
 * memory (the driver double has 1 GiB) and freeing, through the real backend.
 */
class CudaEmulatedDeviceTest extends CudaDeviceTest {
    @Override
    protected DeviceUnderTest openUnderTest() {
        return EmulatedCuda.open();
    }
}
