package dev.panamax.cuda;

import dev.panamax.conformance.ConformanceSuite;
import dev.panamax.testing.DeviceUnderTest;

/**
 * The conformance suite on {@code cuda:0} with the driver replaced by the CUDA emulator
 * ({@code java/src/test/native/cuda/emu}): the Java backend, its parameter packing and launches, and the code of
 * every kernel of {@code kernels/cuda} compiled for the host, run by an emulator of the CUDA thread
 * model (warps, barriers, shuffles, {@code ldmatrix}, {@code mma.sync}, {@code cp.async} groups,
 * dynamic shared memory). It checks what the kernels compute on every build, without a GPU; it
 * says nothing of how they run on one (timing, the memory model, the GPU's approximate math).
 * See {@link EmulatedCuda} for where it runs and when it is skipped.
 */
class CudaEmulatedConformanceTest extends ConformanceSuite {
    @Override
    protected String spec() {
        return "cuda:0";
    }

    @Override
    protected DeviceUnderTest openUnderTest() {
        return EmulatedCuda.open();
    }
}
