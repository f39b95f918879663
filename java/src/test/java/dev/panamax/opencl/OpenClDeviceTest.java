package dev.panamax.opencl;

import dev.panamax.Device;
import dev.panamax.internal.DeviceHandle;
import dev.panamax.testing.DeviceUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of this package's tests: opens opencl:0 for each test class (skipped without OpenCL unless
 * panamax.require names it) and closes the handle, freeing its tensors, afterwards.
 */
abstract class OpenClDeviceTest {
    static final String SPEC = "opencl:0";
    static DeviceUnderTest underTest;
    static Device device;

    @BeforeAll
    static void openDevice() {
        underTest = DeviceUnderTest.open(SPEC);
    }

    @BeforeEach
    void present() {
        device = underTest.get(); // each test is skipped, with the reason, without OpenCL
    }

    @AfterAll
    static void closeDevice() {
        underTest.close();
        device = null;
    }

    /** The backend device behind the handle, for the package-private hooks (builds, launches, counters). */
    static OpenClDevice backend() {
        return (OpenClDevice) ((DeviceHandle) device).backendDevice();
    }
}
