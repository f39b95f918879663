package dev.panamax.opencl;

import dev.panamax.Device;
import dev.panamax.internal.DeviceHandle;
import dev.panamax.testing.TestDevices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of this package's tests: opens opencl:0 for each test class (skipped without OpenCL unless
 * panamax.require names it) and closes the handle, freeing its tensors, afterwards.
 */
abstract class OpenClDeviceTest {
    static final String SPEC = "opencl:0";
    static Device device;

    @BeforeAll
    static void openDevice() {
        device = TestDevices.openOrSkip(SPEC);
    }

    @AfterAll
    static void closeDevice() {
        if (device != null) {
            device.close();
            device = null;
        }
    }

    /** The backend device behind the handle, for the package-private hooks (builds, launches, counters). */
    static OpenClDevice backend() {
        return (OpenClDevice) ((DeviceHandle) device).backendDevice();
    }
}
