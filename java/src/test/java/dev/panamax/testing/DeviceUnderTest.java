package dev.panamax.testing;

import dev.panamax.Device;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.TestAbortedException;

/**
 * The device a test class runs on, opened once in its {@code @BeforeAll}. Where the backend is
 * absent (and not required), opening records the reason instead of aborting the whole class, and
 * {@link #get()} skips each test with it: reports then count every test of an absent backend as
 * skipped, rather than showing a class with no tests.
 */
public final class DeviceUnderTest implements AutoCloseable {
    private final Device device;
    private final String skipReason;

    private DeviceUnderTest(Device device, String skipReason) {
        this.device = device;
        this.skipReason = skipReason;
    }

    /** Opens {@code spec} through {@link TestDevices#openOrSkip}; fails at once if the backend is required. */
    public static DeviceUnderTest open(String spec) {
        try {
            return new DeviceUnderTest(TestDevices.openOrSkip(spec), null);
        } catch (TestAbortedException e) {
            return new DeviceUnderTest(null, e.getMessage());
        }
    }

    /** A device that is not there, for {@code reason}: every test that asks for it is skipped with it. */
    public static DeviceUnderTest absent(String reason) {
        return new DeviceUnderTest(null, reason);
    }

    /** The device, or a JUnit assumption failure (a skip, with the reason) when it is absent. */
    public Device get() {
        Assumptions.assumeTrue(device != null, () -> skipReason);
        return device;
    }

    /** Why the device is absent; null when it is present. */
    public String absentReason() {
        return skipReason;
    }

    /** True when the device opened. */
    public boolean isPresent() {
        return device != null;
    }

    @Override
    public void close() {
        if (device != null) {
            device.close();
        }
    }
}
