package dev.panamax;

import dev.panamax.testing.SystemProperties;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Device.open, Device.available and Device.best (with the panamax.device property set and cleared). */
class DeviceSelectionTest {

    @Test
    void availableListsCpuAndEverySpecOpens() {
        List<String> specs = Device.available();
        assertTrue(specs.contains("cpu"), "available() must contain cpu: " + specs);
        for (String spec : specs) {
            try (Device d = Device.open(spec)) {
                assertEquals(spec, d.spec());
                assertTrue(!d.name().isBlank(), spec + " has no name");
            }
        }
    }

    @Test
    void openCpu() {
        try (Device d = Device.open("cpu")) {
            assertEquals("cpu", d.spec());
            assertEquals(Backend.CPU, d.backend());
            assertTrue(d.memoryBytes() > 0);
            assertTrue(d.info() != null);
        }
    }

    /** An index this machine lacks: unavailable, with a message that says why (not just the spec). */
    @Test
    void missingDevicesAreUnavailableAndSayWhy() {
        for (String spec : new String[] {"opencl:99", "cuda:99"}) {
            DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> Device.open(spec));
            String message = e.getMessage();
            assertTrue(message != null && message.length() > spec.length() + 10, spec + ": the message must say why, got: " + message);
            assertTrue(e instanceof DeviceException);
        }
    }

    private static void withDeviceProperty(String value, Runnable body) {
        SystemProperties.with("panamax.device", value, body);
    }

    @Test
    void bestHonorsThePanamaxDeviceProperty() {
        withDeviceProperty("cpu", () -> {
            Device d = Device.best();
            assertEquals("cpu", d.spec());
            assertEquals(Backend.CPU, d.backend());
        });
        withDeviceProperty("no-such-device", () -> assertThrows(IllegalArgumentException.class, Device::best));
        withDeviceProperty("cuda:99", () -> assertThrows(DeviceUnavailableException.class, Device::best));
    }

    @Test
    void bestWithoutThePropertyPicksAnAvailableDevice() {
        String env = System.getenv("PANAMAX_DEVICE");
        assumeTrue(env == null || env.isBlank(), "PANAMAX_DEVICE is set in the environment");
        withDeviceProperty(null, () -> {
            Device d = Device.best();
            try {
                assertTrue(Device.available().contains(d.spec()), d.spec() + " is not in " + Device.available());
                // cuda:0 > opencl:0 > cpu: the best is the first of those that is available
                String expected = Device.available().contains("cuda:0") ? "cuda:0"
                        : Device.available().contains("opencl:0") ? "opencl:0" : "cpu";
                assertEquals(expected, d.spec());
            } finally {
                d.close();
            }
        });
    }
}
