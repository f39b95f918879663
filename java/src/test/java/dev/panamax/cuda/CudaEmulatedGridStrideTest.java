package dev.panamax.cuda;

import dev.panamax.conformance.ConformanceSuite;
import dev.panamax.testing.DeviceUnderTest;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance suite on the CUDA emulator again, with every grid capped at 3 blocks and the
 * emulator scheduling warp by warp. The launches size their grids to cover the work in one pass
 * (up to 2^31 - 1 blocks), so without the cap no kernel's grid-stride loop ever takes a second
 * item; with it every block walks many items, and the barriers that guard shared memory between
 * one item and the next, the per-item state and the loop bounds are all exercised. Warp by warp,
 * one warp runs ahead to the next barrier before the others move, so a warp that refills shared
 * memory another may still read (a missing barrier) overwrites it first.
 */
class CudaEmulatedGridStrideTest extends ConformanceSuite {
    private static final long CAP = 3;
    private CudaLaunchContext capped; // the launch context of cuda:0's kernel set, once capped
    private long previousCap;

    @Override
    protected String spec() {
        return "cuda:0";
    }

    @Override
    protected DeviceUnderTest openUnderTest() {
        DeviceUnderTest d = EmulatedCuda.open();
        if (d.isPresent()) {
            CudaLaunchContext launches = CudaDeviceChecks.backend(d.get()).kernels().launches();
            previousCap = launches.capGrid(CAP);
            capped = launches;
            EmulatedCuda.scheduleOrder(EmulatedCuda.WARPS);
        }
        return d;
    }

    @AfterAll
    void restore() {
        if (capped != null) { // cuda:0 lives as long as the JVM: the next test class gets it uncapped
            capped.capGrid(previousCap);
            EmulatedCuda.scheduleOrder(EmulatedCuda.FROM_ENVIRONMENT);
        }
    }
}
